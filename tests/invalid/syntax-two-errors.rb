# One syntax error does not hide the next.
runbook "Two mistakes"

phase "Canary" {
  http fetch "http://127.0.0.1:9/traffic"
  wait 30s
  sh "./smoke.sh" timeout 10 minutes
  log "canary done"
}

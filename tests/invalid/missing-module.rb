# A module that is not there (a near name is suggested).
runbook "Missing module"
use "std/trafic"
phase "Route" {
  log "routing"
}

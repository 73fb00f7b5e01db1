# A phase that changes the world with a step whose failure goes nowhere
# declared (warning), next to phases whose failures all have a route (no
# warning) and one that changes nothing (no warning); an 'on fail' to a
# rollback block that does not exist (error).
runbook "Unrouted failure"

phase "Deploy" {
  sh "deploy" on fail rollback back
  sh "smoke-test"
}

phase "Routed by the phase" on fail stop {
  sh "migrate"
}

phase "Every step routed" {
  sh "a" on fail { log "a failed" }
  if true {
    sh "b"
  } on fail rollback back
}

phase "Only looks" {
  approve "Looks good?"
}

phase "Typo" {
  sh "x" on fail rollback bakc
}

rollback back {
  sh "restore"
}

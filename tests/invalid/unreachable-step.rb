# Steps after an unconditional rollback or abort never run (warnings only).
runbook "Unreachable steps"
phase "Deploy" {
  rollback emergency
  log "never runs"
}
phase "Verify" {
  if true {
    abort "stop"
    log "never runs either"
  }
}
rollback emergency {
  log "rolling back"
}

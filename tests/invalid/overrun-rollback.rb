# A rollback that runs over its deadline cannot start another rollback.
runbook "Overrun into a rollback"
phase "Deploy" {
  rollback emergency
}
rollback emergency within 5m -> rollback slow {
  log "rolling back"
}
rollback slow {
  log "rolling back slowly"
}

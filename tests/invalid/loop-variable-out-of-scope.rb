# A loop variable used after its loop, and a misspelled one inside it.
runbook "Loop variable out of scope"
phase "Canary" {
  for pct in [1, 5, 10] {
    log "routing ${pcnt}%"
  }
  log "finished at ${pct}%"
}

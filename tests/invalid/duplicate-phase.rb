# Two phases whose titles differ only in case and punctuation share a step-id prefix.
runbook "Duplicate phase"
phase "Canary" {
  log "first"
}
phase "canary!" {
  log "second"
}

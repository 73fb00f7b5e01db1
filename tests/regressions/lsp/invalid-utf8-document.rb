runbook "Ã©ğŸ˜€ ÿş"
phase "a" {
  log "ğŸ˜"
}

runbook "x"
phase "p" {
  log "${
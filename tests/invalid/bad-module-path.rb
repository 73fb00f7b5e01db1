# Module paths start with 'std/' or './'.
runbook "Bad module path"
use "traffic"
phase "Route" {
  log "routing"
}

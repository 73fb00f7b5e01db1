# Calls to a misspelled function and to a module that was never used.
runbook "Undefined function"
fn route(target, pct) {
  log "routing ${pct}% to ${target}"
}
phase "Canary" {
  rout("green", 5)
  traffic.route("green", 5)
}

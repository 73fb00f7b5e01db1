# Functions called with the wrong number of arguments.
runbook "Wrong arity"
fn route(target, pct) {
  log "routing ${pct}% to ${target}"
}
phase "Canary" {
  route("green")
  route("green", 5, "extra")
  log "${len()}"
}

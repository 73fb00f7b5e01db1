# Part of tests/invalid/ensure-in-module.rb: a module cannot declare an invariant.
ensure "all is well" true
fn hello() {
  log "hello"
}

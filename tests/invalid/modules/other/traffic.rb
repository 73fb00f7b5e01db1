# A local module with the same name as the standard library's traffic module
# (tests/invalid/duplicate-module.rb).
fn route(target) {
  log "routing to ${target}"
}

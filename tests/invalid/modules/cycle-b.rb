# Part of tests/invalid/import-cycle.rb: closes the cycle.
use "./cycle-a.rb"
fn world() {
  log "world"
}

# Part of tests/invalid/import-cycle.rb: uses cycle-b, which uses this file.
use "./cycle-b.rb"
fn hello() {
  log "hello"
}

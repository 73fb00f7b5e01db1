# Part of tests/invalid/lock-in-module.rb: a module cannot name a lock.
lock "mailsender-traffic"
fn hello() {
  log "hello"
}

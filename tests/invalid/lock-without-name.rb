# `lock` needs the lock's name as a string.
runbook "Lock without a name"
lock mailsender
phase "Deploy" {
  log "hello"
}

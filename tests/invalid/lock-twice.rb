# A runbook holds one lock; a second `lock` line is a mistake, and so is an
# empty name.
runbook "Two locks"
lock "mailsender-traffic"
lock ""
phase "Deploy" {
  log "hello"
}

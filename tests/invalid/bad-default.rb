# 'default' on an approval or a checklist: it answers yes or no, and only
# after a 'timeout'.
runbook "Bad default"
phase "Go" on fail stop {
  approve "Ship it?" default no
  approve "Really?" timeout 5m default "maybe"
  checklist "Ready" {
    - "Backups taken"
  } timeout 10m default no else stop
}

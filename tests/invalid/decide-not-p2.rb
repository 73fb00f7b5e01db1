# 'decide within' is the P2 question's deadline; a P0 or P1 never asks.
runbook "Decide on a P0"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m severity P0 decide within 1h default rollback -> rollback emergency
phase "Canary" arms all {
  wait 10m
}
rollback emergency {
  log "rolling back"
}

# A trigger no phase arms never fires, so its rollback is unreachable too (warnings).
runbook "Unarmed trigger"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
phase "Canary" {
  wait 1m
}
rollback emergency {
  log "rolling back"
}

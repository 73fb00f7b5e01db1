# A phase arms a trigger that is not declared.
runbook "Undefined trigger"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
phase "Canary" arms high_erors {
  wait 1m
}
rollback emergency {
  log "rolling back"
}

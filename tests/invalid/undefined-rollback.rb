# A trigger, a step and an 'on lost' clause lead to rollbacks that do not exist.
runbook "Undefined rollback"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergncy
phase "Canary" arms all {
  watch 10m every 30s {
    error_rate < 0.1% on lost rollback emergenyc
  }
  rollback emergeny
}
rollback emergency {
  log "rolling back"
}

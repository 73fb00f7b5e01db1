# A trigger and a watch name a metric that is not declared (a typo).
runbook "Undefined metric"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when eror_rate > 1% for 5m -> rollback emergency
phase "Canary" arms all {
  watch 10m every 30s {
    error_rat < 0.1%
  }
}
rollback emergency {
  log "rolling back"
}

# A phase watches metrics but arms no trigger (a warning).
runbook "Watch without triggers"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
phase "Canary" {
  watch 10m every 30s {
    error_rate < 0.1%
  }
}
phase "Full" arms all {
  wait 1m
}
rollback emergency {
  log "rolling back"
}

# The sampling interval is longer than the window it samples.
runbook "Every longer than window"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
phase "Canary" arms all {
  watch 1m every 5m {
    error_rate < 0.1%
  }
  await error_rate < 0.1% timeout 30s every 1m
}
rollback emergency {
  log "rolling back"
}

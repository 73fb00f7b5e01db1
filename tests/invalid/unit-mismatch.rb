# A latency compared with a percent, a percent with a duration, and arithmetic across units.
runbook "Unit mismatch"
param api = "http://127.0.0.1:1"
param soak: duration = 30m
param max_errors: percent = 1%
metric api_p99 = http get "${api}/p99" json ".value" unit ms
metric error_rate = http get "${api}/err" json ".value" unit %
trigger slow when api_p99 > 0.1% for 5m -> rollback emergency
phase "Canary" arms all {
  watch soak every 30s {
    error_rate < 100ms
    api_p99 < max_errors
  }
  wait soak + max_errors
}
rollback emergency {
  log "rolling back"
}

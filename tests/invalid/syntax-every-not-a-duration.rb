# A trigger's sampling interval must be a duration literal or a duration param: `soon` is neither.
runbook "Every needs a duration"

metric error_rate = http get "http://127.0.0.1:9/errors" json ".value" unit %

trigger high_errors when error_rate > 1% for 5m every soon -> rollback emergency

rollback emergency {
  log "rolling back"
}

# A source without 'if' always applies: a source after it is never used.
runbook "Metric choice unreachable"
param prometheus = ""
param monitor = "http://127.0.0.1:1"
metric error_rate unit % {
  http get "${monitor}/api/metrics/error-rate" json ".value"
  prometheus "${prometheus}" query 'sum(rate(errors[5m]))' if prometheus != ""
}
trigger high when error_rate > 5% for 1m -> rollback emergency
phase "Canary" arms high {
  wait 1m
}
rollback emergency {
  log "rolling back"
}
on fail stop

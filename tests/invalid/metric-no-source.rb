# No source of the metric applies with the params given: refused at the metric,
# naming the params that decided.
runbook "Metric no source"
param prometheus = ""
param graphite = ""
metric error_rate unit % {
  prometheus "${prometheus}" query 'sum(rate(errors[5m]))' if prometheus != ""
  http get "${graphite}/render?target=errors" json ".value" if graphite != ""
}
# The condition must be true or false.
metric latency unit ms {
  prometheus "${prometheus}" query 'p99' if prometheus
  http get "${graphite}/p99" json ".value"
}
trigger high when error_rate > 5% for 1m -> rollback emergency
phase "Canary" arms high {
  wait 1m
}
rollback emergency {
  log "rolling back"
}
on fail stop

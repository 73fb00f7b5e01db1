# A metric's source is chosen before the run, from params only: a metric, a
# secret, a call or a probe in the 'if' is refused.
runbook "Metric choice not param"
param prometheus = ""
param monitor = "http://127.0.0.1:1"
secret token = env("TOKEN")
metric cpu = http get "${monitor}/cpu" json ".value" unit %
metric error_rate unit % {
  prometheus "${prometheus}" query 'sum(rate(errors[5m]))' if cpu > 50%
  sh "errors" if token != "" or now() > 0
  http get "${monitor}/api/metrics/error-rate" json ".value" if prometheus == "" and promethus == ""
}
trigger high when error_rate > 5% for 1m -> rollback emergency
phase "Canary" arms high {
  wait 1m
}
rollback emergency {
  log "rolling back"
}
on fail stop

# A soak shorter than the `for` window of a trigger armed during it: the
# trigger can never fire inside it (a warning).
runbook "Soak shorter than the trigger's window"
param api = "http://127.0.0.1:1"
param soak: duration = 2m
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
phase "Canary" arms all {
  wait soak
}
rollback emergency {
  log "rolling back"
}
on fail stop

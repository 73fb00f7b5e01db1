# A syntax error in a declaration: only the syntax error is reported, not the
# "undefined name" that every use of the dropped metric would otherwise give.
runbook "Syntax error"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit percentage
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
phase "Canary" arms all {
  log "${error_rate}"
}
rollback emergency {
  log "rolling back"
}

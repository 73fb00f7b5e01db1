# Every kind of name declared twice.
runbook "Duplicate names"
param api = "http://127.0.0.1:1"
param api = "http://127.0.0.1:2"
secret token = env("TOKEN")
metric token = http get "${api}/t" json ".value" unit count
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> rollback emergency
trigger high_errors when error_rate > 2% for 5m -> rollback emergency
fn helper() {
  log "one"
}
fn helper() {
  log "two"
}
phase "Canary" arms high_errors, high_errors {
  for api in [1, 2] {
    helper()
  }
}
rollback emergency {
  log "one"
}
rollback emergency {
  log "two"
}

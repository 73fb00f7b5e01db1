# The runbook the invalid scenarios in this folder rehearse (tests/scenario_golden.test.sh).
runbook "Scenario target"
param api = "http://127.0.0.1:1"
param share: number = 10
metric error_rate = http get "${api}/errors" json ".value" unit %
trigger high_errors when error_rate > 5% for 1m -> rollback emergency
phase "Canary" arms high_errors {
  log "routing ${share}% to green"
  watch 5m every 30s {
    error_rate < 1% on fail rollback emergency
  }
}
rollback emergency {
  log "rolling back"
}
signal resolved "The incident is resolved"
ensure "the canary share is a share" share <= 100

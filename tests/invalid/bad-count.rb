# Counts that must be at least 1: 'retry', 'after ... failures', 'lost after ... errors'.
runbook "Bad count"
param api = "http://127.0.0.1:1"
metric errors = http get "${api}/errors" json ".value" unit % lost after 0 errors
trigger high when errors > 5% for 1m -> rollback emergency
phase "Canary" arms high {
  sh "deploy" retry 0 every 10s
  watch 5m every 30s {
    errors < 1% after 0 failures
  }
}
rollback emergency {
  log "rolling back"
}
# A route on purpose: this case is about another diagnostic.
on fail stop

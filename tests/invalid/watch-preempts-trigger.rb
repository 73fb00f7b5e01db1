# A watch condition stricter than a trigger that would roll back: the watch
# fails the step first and its failure stops the run (a warning).
runbook "Watch stricter than the rollback trigger"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% severity P0 -> rollback emergency
phase "Canary" arms all {
  watch 10m every 30s {
    error_rate < 0.5%
  }
}
rollback emergency {
  log "rolling back"
}
on fail stop

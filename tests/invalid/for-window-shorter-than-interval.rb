# 'for' windows shorter than one sample interval can never hold on two samples.
runbook "For window shorter than the interval"
param api = "http://127.0.0.1:1"
metric error_rate = http get "${api}/err" json ".value" unit %
trigger flappy when error_rate > 1% for 10s -> rollback emergency
phase "Canary" arms all {
  watch 30m every 1m {
    error_rate < 0.1% for 20s
  }
}
rollback emergency {
  log "rolling back"
}

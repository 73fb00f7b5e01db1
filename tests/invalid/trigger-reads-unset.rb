runbook "A trigger reads a baseline that is set only inside an if"

param monitor = "http://127.0.0.1:9"
param take_baseline = true
metric conversion = http get "${monitor}/api/metrics/conversion" json ".value" unit %

trigger conversion_drop when conversion < baseline * 0.95 for 2m severity P0 -> rollback emergency

phase "Baseline" {
  if take_baseline { let baseline = conversion }
}

phase "Canary" arms conversion_drop on fail stop {
  wait 10m
}

rollback emergency {
  log "rolling back"
}

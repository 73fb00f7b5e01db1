runbook "A trigger reads a baseline that a later phase sets"

param monitor = "http://127.0.0.1:9"
metric conversion = http get "${monitor}/api/metrics/conversion" json ".value" unit %

trigger conversion_drop when conversion < baseline * 0.95 for 2m severity P0 -> rollback emergency

phase "Canary" arms conversion_drop on fail stop {
  wait 10m
}

phase "Afterwards" on fail stop {
  let baseline = conversion
}

rollback emergency {
  log "rolling back"
}

# A rate (a size per time) compares with rates in any unit, never with a size
# or a bare number.
runbook "Rate units"
param monitor = "http://127.0.0.1:1"
param max_growth: rate = 10MB/min
param wrong_growth: rate = 10MB
metric memory_growth = http get "${monitor}/memory-growth" json ".value" unit MB/min
trigger leak when memory_growth > max_growth for 10m -> rollback emergency
trigger fast_leak when memory_growth > 600KB/s for 1m -> rollback emergency
trigger size_not_rate when memory_growth > 10MB for 10m -> rollback emergency
trigger bare when memory_growth > 10 for 10m -> rollback emergency
phase "Canary" arms leak, fast_leak, size_not_rate, bare {
  wait 10m
}
rollback emergency {
  log "rolling back"
}
on fail stop

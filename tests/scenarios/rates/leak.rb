# Rates (docs/language-gaps.md, item 5): "memory growth > 10MB/minute for 10
# minutes" as the seed's critical alert writes it. The metric reports MB per
# minute; the scenarios give growth in MB/min and in KB/s, read by one rule.
runbook "Memory leak"

param monitor: string = "http://monitor.example.test"
param max_growth: rate = 10MB/min

metric memory_growth = http get "${monitor}/api/metrics/memory-growth" json ".value" unit MB/min

trigger memory_leak "Memory leak detected" when memory_growth > max_growth for 10m every 30s -> rollback emergency

phase "Soak" arms memory_leak {
  wait 30m
  notify "soaked, growth ${memory_growth}"
}

rollback emergency {
  notify "rolled back: memory growth ${memory_growth}"
}

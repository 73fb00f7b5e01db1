# A P1 trigger whose breach begins just before the last step ends: the run
# may not complete while the breach is pending or the grace period runs.
runbook "P1 near the end"

param lb: string = "https://lb.example.test"
param monitor: string = "https://monitor.example.test"

metric error_rate = http get "${monitor}/api/error-rate" json ".value" unit %

trigger errors "Error rate above SLA" when error_rate > 1% for 5m severity P1 grace 15m -> rollback back

phase "Full rollout" arms all {
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": 100}
  wait 10m
}

rollback back {
  http post "${lb}/api/traffic" body {"environment": "blue", "percentage": 100}
}

# A breach that begins at the last step, after the last sample: the run
# samples its armed triggers once more before it may end, and waits the
# breach out (for its window, then a P1's grace) instead of completing.
runbook "Breach at the last step"

param monitoring = "https://monitoring.example"
metric error_rate = http get "${monitoring}/error-rate" json ".value" unit %

trigger sla "Error rate above SLA" when error_rate > 0.1% for 5m severity P1 grace 15m -> rollback back

phase "Full rollout" arms sla {
  wait 30m
  sh "post-deployment-tests"
}

rollback back {
  notify "rolled back: the SLA broke at the end"
}

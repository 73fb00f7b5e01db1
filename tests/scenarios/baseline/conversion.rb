runbook "Canary judged against a baseline taken once, before any traffic moves"

param monitor = "http://monitor.test"
metric conversion = http get "${monitor}/api/metrics/conversion" json ".value" unit %

# The trigger reads a run variable: `baseline` is set by the first phase,
# before the phase that arms the trigger starts, and never sampled again.
trigger conversion_drop "Conversion dropped more than 5%" when conversion < baseline * 0.95 for 5m severity P0 -> rollback back

phase "Baseline" {
  let baseline = conversion
  notify "baseline conversion ${baseline}"
}

phase "Canary" arms conversion_drop on fail stop {
  notify "canary started"
  wait 30m
  notify "canary passed"
}

rollback back {
  notify "rolled back: conversion under 95% of the baseline ${baseline}"
}

# Zero and negative durations.
runbook "Non-positive durations"
param pause: duration = 0s
phase "Deploy" {
  wait 0s
  wait pause
  sh "deploy" timeout 0s
  wait -5m
}

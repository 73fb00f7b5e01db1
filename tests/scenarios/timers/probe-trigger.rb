# "System down" as a trigger on a probe: /health/detailed reporting anything
# but "healthy" for 1m rolls back (language-gaps item 9).
runbook "Probe in a trigger"

param api: string = "https://api.example.test"
param lb: string = "https://lb.example.test"

trigger system_down "System down" when http get "${api}/health/detailed" json ".status" != "healthy" for 1m every 15s severity P0 -> rollback back

phase "Rollout" arms all {
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": 100}
  wait 30m
}

rollback back {
  http post "${lb}/api/traffic" body {"environment": "blue", "percentage": 100}
}

# An operator-reported immediate rollback: a manual trigger.
runbook "Manual trigger"

param lb: string = "https://lb.example.test"

trigger security "Critical security vulnerability discovered" manual severity P0 -> rollback back

phase "Prepare" {
  wait 10m
}

phase "Canary" arms security {
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": 50}
  wait 1h
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": 100}
}

rollback back within 5m -> notify "Rollback exceeded 5 minutes: escalating" {
  http post "${lb}/api/traffic" body {"environment": "blue", "percentage": 100}
  sh "./verify-blue.sh"
}

# The failure paths a plan must show a reviewer: the runbook's default route,
# a phase's route, step and condition routes (rollback, stop, steps),
# decisions with timeouts, defaults and `else`, soft checks and `finally`.
runbook "Failure paths (plan test)"

param lb = "http://127.0.0.1:8081"
secret lb_token = env("LB_TOKEN")

metric error_rate = http get "${lb}/metrics/error-rate" json ".value" unit %

on fail rollback emergency

phase "Canary" {
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": 5} expect status 200
  sh "npm run test:smoke" on fail { notify "smoke test failed; going on" }
  watch 10m every 30s {
    error_rate < 1% for 2m on fail rollback emergency
  } on fail stop
  checklist "Per-step success" {
    - "Error rate normal"
  } timeout 15m default no else rollback emergency
}

phase "Full rollout" on fail stop {
  approve "Route 100% of traffic to green?" timeout 30m default no else { notify "staying at 5%" }
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": 100} expect status 200
  sh "curl -fsS https://track.example/pixel.gif" soft
} finally {
  notify failed ? "full rollout failed: ${failures}" : "full rollout done"
}

rollback emergency {
  http post "${lb}/api/traffic" body {"environment": "blue", "percentage": 100} expect status 200
  assert error_rate < 1% "blue's error rate" soft
} finally {
  notify failed ? "verification still failing: ${failures}" : "verified"
}

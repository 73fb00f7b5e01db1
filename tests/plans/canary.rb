# A small rollout that uses every construct the plan renders: params, a
# secret, metrics, triggers of every severity, loops, branches decided at plan
# time and at run time, function calls, undo blocks, retries and timeouts.
runbook "Canary rollout (plan test)"

param api = "http://127.0.0.1:8080"
param lb = "http://127.0.0.1:8081"
param soak: duration = 10m
param steps: list = [5, 25, 100]
param dry_run = false
secret lb_token = env("LB_TOKEN")

metric error_rate = http get "${api}/metrics/error-rate" json ".value" unit %
metric api_p99 = http get "${api}/metrics/p99" json ".data.p99[0]" unit ms

trigger high_errors "High error rate" when error_rate > 1% for 5m severity P0 -> rollback emergency
trigger slow "Slow responses" when api_p99 > 500ms for 5m severity P1 grace 10m -> rollback emergency
trigger busy when api_p99 > 300ms for 10m severity P2 -> rollback emergency
trigger blip when error_rate > 0.2% severity P3 -> record
warning latency "Elevated latency" when api_p99 > 200ms for 10m -> notify "API p99 above 200ms"

fn route(target, pct) {
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": target, "percentage": pct} expect status 200 timeout 10s retry 2 every 5s
}

phase "Preparation" {
  checklist "Before we start" {
    - "Green deployed with ${api}"
    - "On-call engineer watching the dashboards"
  }
  sh "npm run verify:green" timeout 15m as verify
  log "verification exited with ${verify.exit_code}"
}

phase "Canary" arms high_errors, slow, blip, latency {
  for pct in steps {
    route("green", pct) undo {
      route("blue", 100)
    }
    if pct >= 25 {
      approve "Hold ${pct}% for an hour?"
    }
    watch (pct >= 25 ? 1h : soak) every 30s {
      error_rate < 0.1% for 2m
      api_p99 < 100ms for 2m after 3 failures on lost rollback emergency
    }
  }
}

phase "Finish" arms all {
  if dry_run {
    log "dry run: leaving blue in place"
  } else {
    sh "decommission blue" timeout 5m
  }
  if error_rate > 0.05% {
    notify "finished with elevated errors (${error_rate})"
  }
  wait 5m
}

rollback emergency {
  route("blue", 100)
  await http get "${api}/health" json ".environment" == "blue" timeout 2m every 5s
  notify "rolled back to blue"
}

# A small runbook for the watch-window scenarios next to it: two canary steps,
# each watched for 5 minutes, with one criterion counting its failing time in
# total (`for 2m`) and one only in a row (`for 2m consecutive`). A watch never
# forgets a breach: failing time adds up over the window, and a criterion
# still failing when the window ends fails the watch. See docs/language.md,
# "Conditions".
runbook "Watch windows"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

metric error_rate = http get "${lb}/metrics/error-rate" json ".value" unit %
metric api_p99 = http get "${lb}/metrics/api-p99" json ".value" unit ms

phase "Canary" on fail rollback back_to_blue {
  for pct in [10, 50] {
    traffic.route(lb, lb_token, "green", pct)
    watch 5m every 30s {
      error_rate < 0.5% for 2m
      api_p99 < 100ms for 2m consecutive
    }
    sh "verify-canary"
  }
}

phase "Full rollout" on fail stop {
  traffic.route(lb, lb_token, "green", 100)
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
  notify "Canary rolled back"
}

# A checklist whose item nobody answering for 15 minutes declines (`timeout
# 15m default no`), for the interrupted-question scenario next to it.
runbook "Timed checklist"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

phase "Canary" on fail stop {
  traffic.route(lb, lb_token, "green", 50)
  checklist "Canary looks right" {
    - "Error rate normal"
  } timeout 15m default no else rollback back_to_blue
  traffic.route(lb, lb_token, "green", 100)
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
}

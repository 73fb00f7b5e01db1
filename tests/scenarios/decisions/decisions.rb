# A small runbook for the decision scenarios next to it: a checklist whose
# "no" (or nobody for 15 minutes) rolls back (`else`), and an approval that
# nobody answering for 30 minutes declines (`timeout 30m default no`). See
# docs/language.md, "Decisions".
runbook "Decisions"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

phase "Canary" on fail stop {
  traffic.route(lb, lb_token, "green", 50)
  checklist "Canary looks right" {
    - "Error rate normal"
  } timeout 15m default no else rollback back_to_blue
  approve "Route 100% of traffic to green?" timeout 30m default no else rollback back_to_blue
  traffic.route(lb, lb_token, "green", 100)
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
}

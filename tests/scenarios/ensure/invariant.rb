# A small runbook for the `ensure` scenarios next to it: whatever way the run
# ends, traffic must not be left split. A failing smoke test has no route, so
# the run ends failed with the canary's split in place and the invariant is
# broken; a failing canary check rolls back to blue, and it holds. See
# docs/verify.md, "ensure".
runbook "Traffic invariant"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)

phase "Canary" {
  traffic.route(lb, lb_token, "green", 50)
  sh "verify-canary" on fail rollback back_to_blue
  sh "smoke-test"
  traffic.route(lb, lb_token, "green", 100)
  notify "green has all the traffic"
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
  notify "rolled back: blue has all the traffic"
}

# A small runbook for the failure-route scenarios next to it: a step's own
# `{ steps }` route, a watch condition's route winning over its step's, a
# phase's `stop`, and the runbook-wide default. See docs/language.md,
# "Failure routes".
runbook "Failure routes"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

metric error_rate = http get "${lb}/metrics" json ".error_rate" unit %

on fail rollback back_to_blue

phase "Canary" {
  traffic.route(lb, lb_token, "green", 10)
  sh "smoke-test" on fail { notify "smoke test failed; carrying on" }
  watch 2m every 30s {
    error_rate < 1% on fail rollback back_to_blue
  } on fail stop
  sh "verify-canary"
}

phase "Full rollout" on fail stop {
  traffic.route(lb, lb_token, "green", 100)
  sh "post-check"
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
}

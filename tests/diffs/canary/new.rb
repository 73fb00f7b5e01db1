# runbook diff fixture: the canary as proposed: a database check before the
# smoke test (the ids after it shift), a longer soak, a stricter trigger
# armed from the first phase, a rollback that pages, and a declared invariant.
runbook "Canary"

use "std/traffic"

param lb: string = "https://lb.example"
param soak: duration = 30m
param max_errors: percent = 0.5%
secret lb_token = env("LB_TOKEN")

metric error_rate = http get "https://monitoring.example/error-rate" json ".value" unit %

ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)

trigger high_errors "High error rate" when error_rate > max_errors for 5m severity P0 -> rollback back

phase "Prepare" arms high_errors {
  sh "./deploy.sh green --wait"
  sh "./check-database.sh"
  sh "./smoke-test.sh green"
}

phase "Canary" arms high_errors {
  traffic.route(lb, lb_token, "green", 10)
  wait soak
  traffic.route(lb, lb_token, "green", 100)
}

rollback back {
  traffic.route(lb, lb_token, "blue", 100)
  notify "rolled back to blue: paging the on-call"
}

# runbook diff fixture: the canary as it was.
runbook "Canary"

use "std/traffic"

param lb: string = "https://lb.example"
param soak: duration = 10m
param max_errors: percent = 1%
secret lb_token = env("LB_TOKEN")

metric error_rate = http get "https://monitoring.example/error-rate" json ".value" unit %

trigger high_errors "High error rate" when error_rate > max_errors for 5m severity P1 grace 2m -> rollback back

phase "Prepare" {
  sh "./deploy.sh green"
  sh "./smoke-test.sh green"
}

phase "Canary" arms high_errors {
  traffic.route(lb, lb_token, "green", 10)
  wait soak
  traffic.route(lb, lb_token, "green", 100)
}

rollback back {
  traffic.route(lb, lb_token, "blue", 100)
  notify "rolled back to blue"
}

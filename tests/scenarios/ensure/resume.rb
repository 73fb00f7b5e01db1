# A runbook with two invariants, for resume.scenario: the process dies while
# the second is read; the resumed run evaluates both again, and the first
# one's read, journaled under ensure/1, is not done twice.
runbook "Two invariants across a crash"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)
ensure "the load balancer answers healthy" healthy(lb)

phase "Deploy" {
  traffic.route(lb, lb_token, "green", 100)
}

fn healthy(lb) {
  http get "${lb}/health" expect status 200
  return true
}

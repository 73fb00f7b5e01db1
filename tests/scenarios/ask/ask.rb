# A small runbook for the ask scenarios next to it: once green has all the
# traffic, the operator decides what to do about DNS (`ask ... choices`); the
# answer is captured and picks the branch. Nobody answering within 30 minutes
# takes the default, "roll back". See docs/language.md, "Decisions".
runbook "Ask"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

phase "Cutover" on fail rollback back_to_blue {
  traffic.route(lb, lb_token, "green", 100)
  ask "DNS records are not resolving yet. What now?"
      choices ["wait", "roll back", "skip DNS"] timeout 30m default "roll back" as answer
  if answer == "roll back" {
    rollback back_to_blue
  }
  if answer == "wait" {
    wait 10m
    notify "waited 10m for DNS"
  }
  if answer == "skip DNS" {
    notify "DNS left unchanged: green serves through the load balancer"
  }
  notify "cutover done (${answer})"
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
  notify "rolled back to blue"
}

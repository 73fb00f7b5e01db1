# Application rollback: put the previous application version back, with
# Kubernetes or PM2. The seed's "3. Application Rollback (Slower - 10-15
# minutes)" (rollout-strategy.md, "Automated Rollback Process").
#
#   runbook run runbooks/app-rollback.rb                 # kubectl rollout undo
#   runbook run runbooks/app-rollback.rb -p method=pm2   # PM2 with the previous ecosystem file

runbook "Application rollback: previous version via kubectl or PM2"

use "std/health"

param method = "kubectl"                              # "kubectl" or "pm2"
param kubectl = "kubectl"
param deployments: list = ["mailsender-api", "mailsender-worker"]
param rollout_timeout: duration = 10m
param pm2 = "pm2"
param pm2_config = "ecosystem.config.js"
param pm2_previous_config = "ecosystem.config.previous.js"
param api = "https://api.mailsender.app"
param track = "https://track.mailsender.app"
param max_response_time: duration = 100ms
param answer_timeout: duration = 15m                   # an unanswered question stops the run (the seed: "10-15 minutes")

# A failure anywhere stops the run where it is, on purpose: this is itself a
# rollback, run by an operator at the terminal, with nothing further to roll
# back to; the operator reads the failure and decides. A question nobody
# answers within answer_timeout is a "no", so it stops the run too.
on fail stop

phase "Confirm" {
  assert method == "kubectl" or method == "pm2" "method is \"kubectl\" or \"pm2\", not \"${method}\""
  approve "Roll the application back to its previous version with ${method}?" timeout answer_timeout default no
}

phase "Roll back the application" {
  if method == "kubectl" {
    for deployment in deployments {
      sh "${kubectl} rollout undo deployment/${deployment}" timeout 2m
      sh "${kubectl} rollout status deployment/${deployment} --timeout=${rollout_timeout}" idempotent timeout 15m
    }
  } else {
    # PM2 has no undo: the running processes are stopped and deleted before
    # the previous configuration starts, so this is a short outage.
    approve "Stop and delete every PM2 process, then start ${pm2_previous_config}? Tracking is down until it starts." timeout answer_timeout default no
    sh "${pm2} stop ${pm2_config}" timeout 2m
    sh "${pm2} delete all" timeout 2m
    sh "${pm2} start ${pm2_previous_config}" timeout 5m
  }
}

# "Verify application health"
phase "Verify" {
  health.api(api)                                     # curl -f https://api.mailsender.app/health/detailed
  health.validate(api, track, max_response_time)
}

# Emergency rollback: all traffic back to the stable blue environment in
# under 5 minutes, tell everyone whatever the checks say, and escalate while
# the incident stays open. The seed's "Immediate Rollback (< 5 minutes)",
# emergency-rollback.sh, "Escalation Path" and "Emergency Rollback
# Notification" (rollout-strategy.md, "Step-by-Step Rollback Execution" and
# "Emergency Procedures").
#
#   runbook run runbooks/emergency-rollback.rb -p incident=PXXXXXX
#   runbook run runbooks/emergency-rollback.rb -p incident=     # no PagerDuty incident to acknowledge
#   runbook resolve RUN                                         # the incident is resolved: stop escalating
#
# The rollout's own `emergency` rollback block is the same procedure when a
# trigger fires; run this one when a person decides (an alert, a customer
# report, a security finding). It ends "rolled back via emergency" (exit 3)
# when blue is verified healthy, "rollback failed" (exit 4) when traffic is
# on blue but a check still fails; either way everyone has been told.

runbook "Emergency rollback: all traffic to blue"

use "std/traffic"
use "std/health"
use "std/notify"

param system = "SmartLead Email Tracking System"
param api = "https://api.mailsender.app"
param track = "https://track.mailsender.app"
param lb = "https://lb-admin.mailsender.app"
param monitor = "https://monitoring.mailsender.app"
param pagerduty = "https://pagerduty.api.com"
param incident: string                                # the seed's $INCIDENT_ID (required; -p incident= when there is none)
param slack = "https://hooks.slack.com/services"      # + the SLACK_WEBHOOK secret
param statuspage = "https://api.statuspage.io"
param statuspage_page = "mailsender"                  # the seed's $PAGE_ID
param incident_commander = "Lead Engineer on-call"
param verify_samples = 10
param max_error_rate: percent = 1%                    # the immediate-rollback threshold
param verify_timeout: duration = 3m                   # how long blue's error rate may take to settle

# Escalation path: each level's deadline, counted from the start of the rollback.
param automated_budget: duration = 5m                 # Level 1: automated rollback
param engineering_at: duration = 15m                  # Level 2: engineering team
param management_at: duration = 30m                   # Level 3: management
param executives_at: duration = 1h                   # Level 4: executives

secret lb_token = env("LB_ADMIN_TOKEN")
secret pd_token = env("PD_TOKEN")
secret slack_webhook = env("SLACK_WEBHOOK")
secret status_token = env("STATUS_TOKEN")

metric error_rate = http get "${monitor}/api/metrics/error-rate" json ".value" unit %

# The rollback's promise, checked once when the run ends: the users are on
# one release (blue), not left split (docs/verify.md, "ensure").
ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)

# `runbook resolve RUN` gives it; every escalation level not sent yet is cancelled.
signal resolved "The incident is resolved"

# The whole procedure is the rollback block below: a phase that only starts it.
phase "Emergency rollback" {
  log "emergency rollback of ${system} to blue"
  rollback emergency
}

rollback emergency within automated_budget
    -> notify.slack("${slack}/${slack_webhook}", notify.rollback_overrun_message(system, automated_budget, incident_commander)) {
  # The notification's "Downtime" counts from the rollback's start. First,
  # so that `finally` has it however early the body ends (an abort).
  let rollback_started = now()
  # Until the load balancer takes the switch, nothing has been rolled back.
  let traffic_moved = false
  # Seed step 1: "Alert Acknowledgment", first.
  if incident != "" {
    notify.pagerduty_ack(pagerduty, incident, pd_token) soft
  }
  # Seed: "Escalation Path". Level 1 is this rollback; each further level is
  # sent at its time unless the incident was resolved.
  after engineering_at unless resolved {
    notify.slack("${slack}/${slack_webhook}", notify.escalation_message(system, 2, "Engineering team", engineering_at, incident_commander))
  }
  after management_at unless resolved {
    notify.slack("${slack}/${slack_webhook}", notify.escalation_message(system, 3, "Management", management_at, incident_commander))
  }
  after executives_at unless resolved {
    notify.slack("${slack}/${slack_webhook}", notify.escalation_message(system, 4, "Executives", executives_at, incident_commander))
  }

  # Seed step 2: "Traffic Rollback" (manage-traffic.sh blue 100, then the
  # ten-request verification loop). A load balancer that has refused every
  # try for a quarter of an hour leaves nothing further to fall back to: the
  # rollback stops there on purpose, `finally` tells everyone it failed and
  # why, and the escalation timers keep calling people in.
  traffic.route_persistently(lb, lb_token, "blue", 100) on fail stop
  let traffic_moved = true
  traffic.verify_split(api, "blue", verify_samples) soft

  # Seed step 3: "Health Verification". Like emergency-rollback.sh, a failed
  # check is reported, not fatal: communication always follows.
  health.api(api) soft                                # curl -f https://api.mailsender.app/health/detailed
  health.pixel(track) soft                            # curl -f https://track.mailsender.app/pixel/test.png
  log "error rate after the rollback: ${error_rate}"  # curl -s https://monitoring.mailsender.app/api/metrics/error-rate
  await error_rate < max_error_rate timeout verify_timeout every 30s soft
} finally {
  # Seed step 4: "Incident Communication", saying honestly what failed.
  # A webhook that fails is told to the operator and does not fail the
  # rollback (the seed's script ignores curl's errors here).
  let result = traffic_moved ? notify.rollback_result_message(system, timestamp(now()), since(rollback_started), incident_commander, failed, failures)
                             : notify.traffic_not_moved_message(system, timestamp(now()), since(rollback_started), incident_commander, failures)
  notify.slack("${slack}/${slack_webhook}", result)
    on fail { notify "Slack could not be told about the rollback: post it in the incident channel by hand" }
  notify.statuspage_incident(statuspage, statuspage_page, status_token,
                            not traffic_moved ? "Emergency Rollback failed: traffic not moved"
                              : failed ? "Emergency Rollback: verification failing" : "Emergency Rollback Completed",
                            failed ? "investigating" : "monitoring",
                            not traffic_moved ? "Traffic could not be moved back to the stable version yet; engineers are moving it by hand."
                              : failed ? "The rollback to the stable version is not verified yet: checks are still failing and engineers are investigating."
                                   : "System has been rolled back to stable version. Monitoring for stability.")
    on fail { notify "The status page could not be updated: update it by hand" }
}

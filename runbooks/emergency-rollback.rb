# Emergency rollback: all traffic back to the stable blue environment in
# under 5 minutes, then tell everyone and escalate while the incident stays
# open. The seed's "Immediate Rollback (< 5 minutes)", emergency-rollback.sh,
# "Escalation Path" and "Emergency Rollback Notification"
# (rollout-strategy.md, "Step-by-Step Rollback Execution" and "Emergency
# Procedures").
#
#   runbook run runbooks/emergency-rollback.rb -p incident=PXXXXXX
#   runbook run runbooks/emergency-rollback.rb -p incident=     # no PagerDuty incident to acknowledge
#
# The rollout's own `emergency` rollback block does phases 2-4 of this
# when a trigger fires; run this one when a person decides (an alert, a
# customer report, a security finding). When the incident is resolved,
# stop the escalation with `runbook abort RUN`.

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
param max_response_time: duration = 100ms

# Escalation path: each level's deadline, counted from the start of this run.
param automated_budget: duration = 5m                 # Level 1: automated rollback
param engineering_at: duration = 15m                  # Level 2: engineering team
param management_at: duration = 30m                   # Level 3: management
param executives_at: duration = 1h                    # Level 4: executives

secret lb_token = env("LB_ADMIN_TOKEN")
secret pd_token = env("PD_TOKEN")
secret slack_webhook = env("SLACK_WEBHOOK")
secret status_token = env("STATUS_TOKEN")

metric error_rate = http get "${monitor}/api/metrics/error-rate" json ".value" unit %

# Waits until `mark` has passed since `started` (at once if it already has).
fn until_elapsed(started, mark) {
  let elapsed = (now() - started) * 1s    # now() counts seconds
  if elapsed < mark {
    wait mark - elapsed
  }
}

# Seed step 1: "Alert Acknowledgment".
phase "Alert acknowledgment" {
  let started = now()
  if incident != "" {
    notify.pagerduty_ack(pagerduty, incident, pd_token)
  }
}

# Seed step 2: "Traffic Rollback" (manage-traffic.sh blue 100, then the
# ten-request verification loop).
phase "Traffic rollback" {
  traffic.route(lb, lb_token, "blue", 100)
  traffic.verify_split(api, "blue", verify_samples)
}

# Seed step 3: "Health Verification".
phase "Health verification" {
  health.api(api)                                     # curl -f https://api.mailsender.app/health/detailed
  health.pixel(track)                                 # curl -f https://track.mailsender.app/pixel/test.png
  log "error rate after the rollback: ${error_rate}"  # curl -s https://monitoring.mailsender.app/api/metrics/error-rate
  await error_rate < max_error_rate timeout 10m every 30s
  health.validate(api, track, max_response_time)
  let restored = now()
  if (restored - started) * 1s > automated_budget {
    notify "the automated rollback took ${(restored - started) * 1s}, over its ${automated_budget} budget"
  }
}

# Seed step 4: "Incident Communication", with the "Emergency Rollback
# Notification" template filled in from this run.
phase "Incident communication" {
  notify.slack("${slack}/${slack_webhook}",
              notify.emergency_rollback_message(system, restored, (restored - started) * 1s, incident_commander))
  notify.statuspage_incident(statuspage, statuspage_page, status_token, "Emergency Rollback Completed", "monitoring",
                            "System has been rolled back to stable version. Monitoring for stability.")
}

# Seed: "Escalation Path". Level 1 (the automated rollback) is done; each
# further level is reached at its deadline unless the run was stopped
# because the incident is resolved.
phase "Escalation path" {
  until_elapsed(started, engineering_at)
  notify.slack("${slack}/${slack_webhook}",
              notify.escalation_message(system, 2, "Engineering team", (now() - started) * 1s, incident_commander))
  checklist "Level 2: engineering team involvement (< ${engineering_at})" {
    - "Engineering on-call has joined the incident"
    - "Root cause investigation started"
  }

  until_elapsed(started, management_at)
  notify.slack("${slack}/${slack_webhook}",
              notify.escalation_message(system, 3, "Management", (now() - started) * 1s, incident_commander))
  checklist "Level 3: management escalation (< ${management_at})" {
    - "Engineering management informed"
    - "Business lead (Product Owner) informed"
  }

  until_elapsed(started, executives_at)
  notify.slack("${slack}/${slack_webhook}",
              notify.escalation_message(system, 4, "Executives", (now() - started) * 1s, incident_commander))
  checklist "Level 4: executive notification (< ${executives_at})" {
    - "Executives notified"
    - "Customer Success Manager briefed for customer communication"
  }
}

# Planned rollback: take the green release back out of production in 15-30
# minutes, on purpose and without disruption. The seed's "Planned Rollback
# (15-30 minutes)" and "Planned Rollback Notification" (rollout-strategy.md,
# "Step-by-Step Rollback Execution" and "Communication Templates").
#
#   runbook run runbooks/planned-rollback.rb -p reason="tracking events delayed"
#
# Traffic leaves green gradually (100 -> 50 -> 25 -> 10 -> 0 %) and every
# step is watched before the next. If things get worse on the way (a trigger,
# a failed success criterion, lost monitoring), the rest of the traffic goes
# to blue at once. Before traffic moves a failure stops the run; after it is
# all on blue, a failed verification stops it too (blue keeps 100%) and the
# team is told.

runbook "Planned rollback: green back to blue"

# Not while a rollout moves the same traffic (rollout.rb names this lock too).
lock "mailsender-traffic"

use "std/traffic"
use "std/health"
use "std/notify"

param system = "SmartLead Email Tracking System"
param reason = "planned rollback"
param expected_duration: duration = 30m
param answer_timeout: duration = 15m                  # an unanswered checklist item counts as "no" (the seed: 15-30 minutes in all)
param technical_lead = "Senior DevOps Engineer"       # seed: Incident Response Team
param api = "https://api.mailsender.app"
param track = "https://track.mailsender.app"
param lb = "https://lb-admin.mailsender.app"
param monitor = "https://monitoring.mailsender.app"
param slack = "https://hooks.slack.com/services"      # + the SLACK_WEBHOOK secret
param statuspage = "https://api.statuspage.io"
param statuspage_page = "mailsender"
param npm = "npm"

# The seed's gradual reduction: green's share after each step.
param green_steps: list = [50, 25, 10, 0]
param step_window: duration = 5m                      # four steps in the seed's 15-30 minutes
param sample_every: duration = 30s
param trigger_window: duration = 2m                   # past the success criteria this long: finish at once
param trigger_every: duration = 30s
param criteria_window: duration = 2m                  # a watch condition broken this long in total fails the step
param verify_samples = 10
param max_error_rate: percent = 0.1%                 # the seed's success criteria
param max_api_p99: duration = 100ms

secret lb_token = env("LB_ADMIN_TOKEN")
secret slack_webhook = env("SLACK_WEBHOOK")
secret status_token = env("STATUS_TOKEN")

metric error_rate = http get "${monitor}/api/metrics/error-rate" json ".value" unit %
metric api_p99 = http get "${monitor}/api/metrics/latency-p99" json ".value" unit ms

# While traffic moves back, anything past the success criteria for two
# minutes finishes the rollback at once: going to blue is the safe direction,
# so there is no reason to wait for the rollout's 1% / 500ms thresholds.
trigger high_error_rate "Error rate above SLA during the rollback" when error_rate > max_error_rate for trigger_window severity P0 every trigger_every -> rollback finish_now
trigger slow_response "API p99 above SLA during the rollback" when api_p99 > max_api_p99 for trigger_window severity P0 every trigger_every -> rollback finish_now

# Seed step 1: "Pre-Rollback Checklist".
phase "Pre-rollback checklist" on fail stop {
  checklist "Before the rollback" {
    - "Notify stakeholders via Slack/email"
    - "Update status page with maintenance notice"
    - "Backup current state for analysis"
    - "Prepare rollback scripts and procedures"
  } timeout answer_timeout default no
  notify.slack("${slack}/${slack_webhook}",
              notify.planned_rollback_message(system, reason, expected_duration, 1, technical_lead))
  notify.statuspage_incident(statuspage, statuspage_page, status_token, "Planned maintenance: rollback", "identified",
                            "We are rolling back a recent release. No service disruption is expected.")
} finally {
  if failed {
    notify.slack("${slack}/${slack_webhook}", "📢 ${system}: planned rollback stopped before any traffic moved: ${failures}")
  }
}

# Seed step 2: "Gradual Traffic Reduction", monitoring during each step.
phase "Gradual traffic reduction" arms high_error_rate, slow_response on fail rollback finish_now {
  for pct in green_steps {
    traffic.shift(lb, lb_token, api, "green", pct, verify_samples)
    log "green now takes ${pct}% of traffic; monitoring for ${step_window}"
    # The triggers above act on a sustained breach (trigger_window); the
    # watch fails the step on one still going when the step's window ends,
    # or on lost monitoring.
    watch step_window every sample_every {
      error_rate < max_error_rate for criteria_window on lost rollback finish_now
      api_p99 < max_api_p99 for criteria_window on lost rollback finish_now
    }
  }
  traffic.verify_split(api, "blue", verify_samples)
  notify.slack("${slack}/${slack_webhook}",
              notify.planned_rollback_message(system, reason, expected_duration, 3, technical_lead))
}

# Seed step 3: "System Verification".
phase "System verification" on fail stop {
  sh "${npm} run test:health:post-rollback" timeout 30m
  sh "${npm} run validate:performance:post-rollback" timeout 30m
  sh "${npm} run validate:functionality:post-rollback" timeout 30m
  health.validate(api, track, max_api_p99)
  notify.slack("${slack}/${slack_webhook}",
              notify.planned_rollback_message(system, reason, expected_duration, 4, technical_lead))
} finally {
  if failed {
    notify.slack("${slack}/${slack_webhook}", "📢 ${system}: traffic is back on blue but post-rollback verification failed: ${failures}")
  }
}

# Seed step 4: "Post-Rollback Analysis".
phase "Post-rollback analysis" {
  checklist "Post-rollback analysis" {
    - "Collect logs from failed deployment"
    - "Generate rollback report"
    - "Schedule post-mortem meeting"
    - "Update documentation based on learnings"
  } timeout answer_timeout default no else {
    notify.slack("${slack}/${slack_webhook}", "📢 ${system}: post-rollback analysis not complete: follow up on the items answered no or left unanswered")
  }
}

# When the gradual path itself goes wrong: the rest of the traffic to blue now.
rollback finish_now {
  # Until the load balancer takes the switch, nothing more has moved.
  let traffic_moved = false
  # Asked again for about a quarter of an hour, as the emergency rollback
  # does: giving up sooner leaves users on the release being rolled back. A
  # load balancer that refused every try leaves nothing further to fall back
  # to: the rollback stops there on purpose and `finally` says so.
  traffic.route_persistently(lb, lb_token, "blue", 100) on fail stop
  let traffic_moved = true
  traffic.verify_split(api, "blue", verify_samples) soft
  health.api(api) soft
} finally {
  # A Slack webhook that fails is told to the operator and does not fail the
  # rollback: the traffic is what matters here.
  if not traffic_moved {
    notify.slack("${slack}/${slack_webhook}",
                "🚨 Planned rollback of ${system} FAILED: the load balancer refused to route the rest of the traffic to blue (${failures}). Move it by hand now (manage-traffic.sh blue 100, or the load balancer's console)")
      on fail { notify "Slack could not be told that the load balancer refused the rollback: move the traffic by hand and post it in the incident channel" }
  } else {
    if failed {
      notify.slack("${slack}/${slack_webhook}",
                  "🚨 Planned rollback of ${system} turned into an emergency: all traffic routed to blue at once (${reason}); verification still failing: ${failures}")
        on fail { notify "Slack could not be told about the emergency rollback: post it in the incident channel by hand" }
    } else {
      notify.slack("${slack}/${slack_webhook}",
                  "🚨 Planned rollback of ${system} turned into an emergency: all traffic routed to blue at once (${reason})")
        on fail { notify "Slack could not be told about the emergency rollback: post it in the incident channel by hand" }
    }
  }
}

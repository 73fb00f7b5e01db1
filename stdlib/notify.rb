# std/notify: tell people. Slack webhooks, the status page, PagerDuty, and
# the seed's communication templates (rollout-strategy.md, "Communication
# Templates") filled in from the run.
#
#   use "std/notify"
#   notify.slack("${slack}/${slack_webhook}", "canary at 5%")
#
# (`notify "text"` on its own is the step that tells the operator; followed
# by a dot, `notify` names this module.)

# slack(webhook_url, text)
#   Posts `text` to a Slack incoming webhook (the seed's
#   `curl -X POST https://hooks.slack.com/services/$SLACK_WEBHOOK`).
#   webhook_url  the full webhook URL; it embeds a credential, so build it
#                from a secret (it is shown as *** everywhere)
#   text         the message; Slack renders \n as a new line
#   Side effects: POST webhook_url with {"text": text}.
fn slack(webhook_url, text) {
  http post webhook_url
       body {"text": text}
       expect status 2xx
       retry 3 every 10s
}

# statuspage_incident(base, page, token, name, status, body)
#   Opens an incident on the status page (the seed's
#   `curl -X POST https://api.statuspage.io/v1/pages/$PAGE_ID/incidents`).
#   base    the status page API (https://api.statuspage.io)
#   page    the page id
#   token   the API token (a secret), sent as "Authorization: OAuth TOKEN"
#   name    the incident's title, e.g. "Emergency Rollback Completed"
#   status  investigating, identified, monitoring or resolved
#   body    the first update's text
#   Side effects: POST ${base}/v1/pages/${page}/incidents.
fn statuspage_incident(base, page, token, name, status, body) {
  http post "${base}/v1/pages/${page}/incidents"
       header "Authorization" = "OAuth ${token}"
       body {"incident": {"name": name, "status": status, "body": body}}
       expect status 2xx
       retry 3 every 10s
}

# pagerduty_ack(base, incident, token)
#   Acknowledges a PagerDuty incident, the first step of the seed's
#   immediate rollback ("Alert Acknowledgment"), so nobody else is paged
#   for it while the rollback runs.
#   base      the PagerDuty API (the seed's https://pagerduty.api.com)
#   incident  the incident id
#   token     the API token (a secret), sent as "Authorization: Token token=TOKEN"
#   Side effects: POST ${base}/incidents/${incident}/acknowledge.
fn pagerduty_ack(base, incident, token) {
  http post "${base}/incidents/${incident}/acknowledge"
       header "Authorization" = "Token token=${token}"
       expect status 2xx
       retry 3 every 10s
}

# emergency_rollback_message(system, time, downtime, commander)
#   The seed's "Emergency Rollback Notification", filled in.
#   system     the system's name ("SmartLead Email Tracking System")
#   time       when the rollback completed
#   downtime   how long users were affected (a duration)
#   commander  the incident commander
#   Returns the text. No side effects.
fn emergency_rollback_message(system, time, downtime, commander) {
  return "🚨 EMERGENCY ROLLBACK - ${system}\n\nStatus: COMPLETED\nTime: ${time}\nImpact: Service restored to previous stable version\nDowntime: ${downtime}\n\nNext Steps:\n- Monitoring system stability\n- Investigating root cause\n- Will provide update in 1 hour\n\nTeam: ${commander}"
}

# planned_rollback_message(system, reason, expected, stage, lead)
#   The seed's "Planned Rollback Notification", filled in. Its progress
#   section shows the three stages; `stage` says which one is under way:
#   1 traffic reduction, 2 rollback, 3 verification, 4 all done.
#   system    the system's name
#   reason    why we roll back
#   expected  the expected duration (a duration)
#   stage     1, 2, 3 or 4
#   lead      the technical lead
#   Returns the text. No side effects.
fn planned_rollback_message(system, reason, expected, stage, lead) {
  let status = stage >= 4 ? "COMPLETED" : "IN PROGRESS"
  let phase1 = stage > 1 ? "✅ Phase 1: Traffic reduction completed" : "✅ Phase 1: Traffic reduction started"
  let phase2 = stage > 2 ? "✅ Phase 2: Rollback completed" : (stage == 2 ? "⏳ Phase 2: Rollback in progress" : "⏸️ Phase 2: Rollback pending")
  let phase3 = stage > 3 ? "✅ Phase 3: Verification completed" : (stage == 3 ? "⏳ Phase 3: Verification in progress" : "⏸️ Phase 3: Verification pending")
  return "📢 PLANNED ROLLBACK - ${system}\n\nStatus: ${status}\nReason: ${reason}\nExpected Duration: ${expected}\nImpact: No expected service disruption\n\nProgress:\n${phase1}\n${phase2}\n${phase3}\n\nTeam: ${lead}"
}

# escalation_message(system, level, audience, elapsed, commander)
#   The seed's "Escalation Path" as a message: which level is reached,
#   whom it involves, and how long the incident has been open.
#   level      2 engineering, 3 management, 4 executives
#   audience   who is being brought in ("Engineering team", ...)
#   elapsed    time since the incident started (a duration)
#   Returns the text. No side effects.
fn escalation_message(system, level, audience, elapsed, commander) {
  return "⚠️ ESCALATION LEVEL ${level} - ${system}\n\nThe incident is still open after ${elapsed}.\nBringing in: ${audience}\n\nIncident commander: ${commander}"
}

# deployment_message(system, version, text)
#   A one-line progress message for the team channel during a rollout.
#   Returns the text. No side effects.
fn deployment_message(system, version, text) {
  return "🚀 ${system} ${version}: ${text}"
}

# rollback_result_message(system, time, downtime, commander, failed, failures)
#   What the emergency rollback tells the team when it ends, honestly: the
#   seed's "Emergency Rollback Notification" when every check passed, and
#   when some did not, the same header saying which checks are still
#   failing (the seed's emergency-rollback.sh reports its failed checks and
#   still communicates).
#   time      when, as text: timestamp(now()) gives "2026-11-26T15:04:05Z"
#   downtime  how long users were affected (a duration): since(started)
#   failed    true when a verification step failed (a rollback's `failed`)
#   failures  what failed, as a rollback's `failures` (a list of texts)
#   Returns the text. No side effects.
fn rollback_result_message(system, time, downtime, commander, failed, failures) {
  if failed {
    return "🚨 EMERGENCY ROLLBACK - ${system}\n\nStatus: NOT VERIFIED, verification still failing\nTime: ${time}\nDowntime: ${downtime} so far\nFailing checks: ${failures}\n\nNext Steps:\n- Investigating why the rollback does not verify\n- Escalating on the incident timetable\n\nTeam: ${commander}"
  }
  return emergency_rollback_message(system, time, downtime, commander)
}

# traffic_not_moved_message(system, time, downtime, commander, failures)
#   What the emergency rollback tells the team when the load balancer
#   refused to move the traffic: nothing was rolled back, the split is where
#   it was, and a person has to move it. Arguments as for
#   rollback_result_message.
#   Returns the text. No side effects.
fn traffic_not_moved_message(system, time, downtime, commander, failures) {
  return "🚨 EMERGENCY ROLLBACK FAILED - ${system}\n\nStatus: TRAFFIC NOT MOVED, the load balancer refused every try\nTime: ${time}\nDowntime: ${downtime} so far\nWhat failed: ${failures}\n\nNext Steps:\n- Move all traffic to the stable environment by hand now (manage-traffic.sh blue 100, or the load balancer's console)\n- Escalating on the incident timetable\n\nTeam: ${commander}"
}

# step_back_failed_message(system, version, commander, failures)
#   What the step-by-step rollback tells the team when it could not finish
#   (the load balancer refused a step back) or blue did not verify: traffic
#   may be left split, and a person has to finish the move or look at blue.
#   failures  what failed, as a rollback's `failures` (a list of texts)
#   Returns the text. No side effects.
fn step_back_failed_message(system, version, commander, failures) {
  return "🚨 STEP-BY-STEP ROLLBACK FAILED - ${system} ${version}\n\nWhat failed: ${failures}\nTraffic may still be split between blue and green, or blue does not verify.\n\nNext Steps:\n- Move all traffic to blue by hand now (manage-traffic.sh blue 100, or the load balancer's console)\n- Check the split: GET /api/traffic on the load balancer\n\nTeam: ${commander}"
}

# rollback_overrun_message(system, budget, commander)
#   The escalation sent when an emergency rollback runs past its bound (the
#   seed's "Immediate Rollback (< 5 minutes)").
#   Returns the text. No side effects.
fn rollback_overrun_message(system, budget, commander) {
  return "⚠️ ESCALATION - ${system}\n\nThe emergency rollback exceeded ${budget} and is still running.\nBringing in: Engineering team\n\nIncident commander: ${commander}"
}

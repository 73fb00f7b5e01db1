# The production rollout of the SmartLead email tracking system, as the seed
# describes it (shared/seed/rollout-strategy.md, "Rollout Strategy" and
# "Rollback Procedures"): four phases from staging to 100% green, with the
# seed's monitoring windows, success criteria, immediate rollback triggers,
# warnings and decision matrix.
#
#   runbook plan runbooks/rollout.rb --format markdown     # review it
#   runbook run  runbooks/rollout.rb -p version=v3.0.1      # run it
#
# Every host, token, window and threshold below is a parameter whose default
# is the seed's value; runbooks/profiles/sandbox.params points them all at a
# local runbook-sandbox (docs/profiles.md).
#
# Every failure ends somewhere declared: before any traffic moves a failure
# stops the run (blue keeps 100%); from the canary on, every failed gate (a
# success criterion, a check, a declined or unanswered question) goes to the
# emergency rollback, which ends with 100% of traffic on blue.
#
# Operator-reported immediate rollback conditions (seed: "Critical security
# vulnerability discovered", "Data corruption or loss detected", "Third-party
# integration failures") have no metric: they are manual triggers, fired by
# whoever sees one:
#   runbook fire RUN security
# The emergency rollback is bounded to 5 minutes and escalates (Level 2 at
# 15 minutes, 3 at 30, 4 at an hour) until someone runs `runbook resolve RUN`.

runbook "SmartLead Email Tracking System: production rollout"

# One change to the production traffic split at a time: a planned rollback
# (planned-rollback.rb) waits while this rollout holds the lock, and the other
# way round. emergency-rollback.rb takes no lock on purpose: in an emergency
# nobody should be told to wait (abort this run with `--rollback emergency`
# instead, which the refusal would say anyway).
lock "mailsender-traffic"

use "std/traffic"
use "std/health"
use "std/dns"
use "std/notify"

# ------------------------------------------------------------------ where things are

param system = "SmartLead Email Tracking System"
param version = "v3.0.0"
param api = "https://api.mailsender.app"                   # public API
param track = "https://track.mailsender.app"               # tracking pixel host
param staging = "https://staging.mailsender.app"
param track_staging = "https://track-staging.mailsender.app"
param green = "https://green.internal.mailsender.app"      # green, addressed directly
param lb = "https://lb-admin.mailsender.app"               # load-balancer admin API
param monitor = "https://monitoring.mailsender.app"        # metrics API
param slack = "https://hooks.slack.com/services"           # + the SLACK_WEBHOOK secret
param statuspage = "https://api.statuspage.io"
param statuspage_page = "mailsender"                       # the seed's $PAGE_ID
param incident_commander = "Lead Engineer on-call"         # seed: Incident Response Team
param pagerduty = "https://pagerduty.api.com"
param incident = ""                                        # the seed's $INCIDENT_ID; empty: nothing to acknowledge
param rollback_budget: duration = 5m                       # "Immediate Rollback (< 5 minutes)"
param rollback_verify_timeout: duration = 3m               # how long the rollback waits for blue's error rate to settle
param engineering_at: duration = 15m                       # Escalation Path, Level 2
param management_at: duration = 30m                        # Level 3
param executives_at: duration = 1h                         # Level 4
param answer_timeout: duration = 30m                       # from the canary on, an unanswered question counts as "no"
param prep_answer_timeout: duration = 4h                   # Phases 1-2: an unanswered item stops the rollout (blue keeps 100%)
param p2_decision: duration = 1h                           # P2: "Monitor and decide (< 1 hour)"

# Tools the seed's commands call; a profile can replace them (the sandbox
# profile uses `echo`, so the demo shows each command instead of running it).
param npm = "npm"
param aws = "aws"
param dig = "dig"
param nslookup = "nslookup"

# DNS (Phase 4: "Update DNS records (if applicable)").
param update_dns = false
param zone_id = ""                                         # the seed's $ZONE_ID
param dns_change_batch = "dns-changes.json"
param dns_rollback_batch = "rollback-dns-changes.json"
param api_host = "api.mailsender.app"
param track_host = "track.mailsender.app"

# Metrics: the monitoring API's HTTP endpoints ({"value": N}) by default; with
# -p prometheus=URL (the seed's Prometheus setup) each metric is read with its
# PromQL query instead. The choice is made before the run, so the plan shows
# which source each metric reads.
param prometheus = ""

secret lb_token = env("LB_ADMIN_TOKEN")
secret slack_webhook = env("SLACK_WEBHOOK")
secret status_token = env("STATUS_TOKEN")
secret pd_token = env("PD_TOKEN")

# However the run ends (completed, rolled back, failed, aborted), traffic must
# not be left split: checked once at the end by reading the load balancer,
# reported in the live view and the journal; `runbook verify` judges every
# failure path by it (docs/verify.md, "ensure").
ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)

# ------------------------------------------------------------------ windows and thresholds

# Phase 3: 1, 5, 10% for 30 minutes each, 25 and 50% for an hour each.
param canary_steps: list = [1, 5, 10, 25, 50]
param canary_window: duration = 30m
param canary_long_window: duration = 1h
param canary_long_from = 25                # from this share on, the long window
param full_window: duration = 2h           # Phase 4: "Monitor all systems for 2 hours"
param sample_every: duration = 30s
param verify_samples = 10                  # "for i in {1..10}" of the seed's scripts

# Success criteria ("Monitoring Dashboard Checks").
param max_error_rate: percent = 0.1%
param max_api_p99: duration = 100ms
param max_tracking_p99: duration = 50ms
param max_db_pool: percent = 80%
param max_memory: percent = 80%
param max_cpu: percent = 70%

# How long a trigger's condition must hold before it acts (the seed's "for 5
# minutes", "for 10 minutes", "for 15 minutes"), the P1 grace period, how long
# a canary success criterion may stay broken, and how often triggers sample.
param p0_window: duration = 5m             # "> 1% for 5 minutes", "> 500ms for 5 minutes"
param system_down_window: duration = 1m    # "System down": /health/detailed not healthy this long
param memory_leak_window: duration = 10m   # "memory growth > 10MB/min for 10 minutes"
param p1_window: duration = 5m             # the success criteria broken for 5 minutes at full rollout
param p1_grace: duration = 15m             # "rolled back unless fixed within 15 minutes"
param p2_window: duration = 10m            # resources past the success criteria for 10 minutes
param warning_window: duration = 10m       # "Warning Alerts": "> 200ms for 10 minutes", "> 0.5% for 10 minutes"
param cpu_warning_window: duration = 15m   # "CPU > 80% for 15 minutes"
param criteria_window: duration = 6m       # a canary success criterion broken this long fails the step (after the P0s' 5m)
param trigger_every: duration = 30s

# Immediate rollback triggers and critical alerts.
param rollback_error_rate: percent = 1%
param rollback_response_time: duration = 500ms
param max_memory_growth: rate = 10MB/min

# Warning alerts.
param warn_response_time: duration = 200ms
param warn_error_rate: percent = 0.5%
param warn_cpu: percent = 80%

# ------------------------------------------------------------------ metrics

# Each query gives the metric's unit (latencies in ms: "* 1000" of seconds).
metric error_rate unit % {
  prometheus "${prometheus}" query 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100' if prometheus != ""
  http get "${monitor}/api/metrics/error-rate" json ".value"
}
metric response_time unit ms {
  prometheus "${prometheus}" query 'sum(rate(http_request_duration_seconds_sum[5m])) / sum(rate(http_request_duration_seconds_count[5m])) * 1000' if prometheus != ""
  http get "${monitor}/api/metrics/latency-avg" json ".value"
}
metric api_p99 unit ms {
  prometheus "${prometheus}" query 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="api"}[5m]))) * 1000' if prometheus != ""
  http get "${monitor}/api/metrics/latency-p99" json ".value"
}
metric tracking_p99 unit ms {
  prometheus "${prometheus}" query 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="tracking"}[5m]))) * 1000' if prometheus != ""
  http get "${monitor}/api/metrics/tracking-latency-p99" json ".value"
}
metric db_pool unit % {
  prometheus "${prometheus}" query 'sum(db_pool_connections_in_use) / sum(db_pool_connections_max) * 100' if prometheus != ""
  http get "${monitor}/api/metrics/db-pool-usage" json ".value"
}
metric db_connection_errors unit count {
  prometheus "${prometheus}" query 'sum(rate(db_connection_errors_total[1m]))' if prometheus != ""
  http get "${monitor}/api/metrics/db-connection-errors" json ".value"
}
metric memory unit % {
  prometheus "${prometheus}" query 'avg(process_resident_memory_bytes / node_memory_MemTotal_bytes) * 100' if prometheus != ""
  http get "${monitor}/api/metrics/memory" json ".value"
}
metric memory_growth unit MB/min {
  prometheus "${prometheus}" query 'deriv(process_resident_memory_bytes[10m]) * 60 / 1048576' if prometheus != ""
  http get "${monitor}/api/metrics/memory-growth" json ".value"
}
metric cpu unit % {
  prometheus "${prometheus}" query 'avg(rate(process_cpu_seconds_total[1m])) * 100' if prometheus != ""
  http get "${monitor}/api/metrics/cpu" json ".value"
}

# ------------------------------------------------------------------ triggers: the decision matrix

# P0 - Critical: the seed's "Immediate Rollback Triggers" / "Critical Alerts"
# (action trigger_rollback). The run stops the current step and rolls back
# at once (< 5 minutes). Blind, they cannot protect anyone: monitoring lost
# on one of them rolls back too.
trigger high_error_rate "High error rate" when error_rate > rollback_error_rate for p0_window severity P0 every trigger_every on lost rollback emergency -> rollback emergency
trigger slow_response "Slow response time" when response_time > rollback_response_time for p0_window severity P0 every trigger_every on lost rollback emergency -> rollback emergency
trigger database_errors "Database connection issues" when db_connection_errors > 0 severity P0 every trigger_every on lost rollback emergency -> rollback emergency
trigger memory_leak "Memory leak detected" when memory_growth > max_memory_growth for memory_leak_window severity P0 every trigger_every on lost rollback emergency -> rollback emergency
# Decision matrix, P0 "System down": the API's own health report (what
# validate-deployment.sh reads) says anything but healthy for a minute, or
# does not answer at all (an unhealthy API answers 503: two such answers in a
# row are "lost", which is the same verdict here).
trigger system_down "System down" when http get "${api}/health/detailed" json ".status" != "healthy" for system_down_window
  severity P0 every trigger_every lost after 2 errors on lost rollback emergency -> rollback emergency

# P0 - Critical, reported by a person: no metric sees these (the seed's
# "Immediate Rollback Triggers"). `runbook fire RUN NAME`.
trigger security "Critical security vulnerability discovered" manual severity P0 -> rollback emergency
trigger data_corruption "Data corruption or loss detected" manual severity P0 -> rollback emergency
trigger third_party "Third-party integration failures" manual severity P0 -> rollback emergency

# P1 - High: "High error rate, slow response": the success criteria broken
# for 5 minutes at full rollout. Rolled back unless fixed within 15 minutes
# (timeline < 20 minutes).
trigger sla_error_rate "Error rate above SLA" when error_rate > max_error_rate for p1_window severity P1 grace p1_grace every trigger_every -> rollback emergency
trigger sla_api_latency "API p99 above SLA" when api_p99 > max_api_p99 for p1_window severity P1 grace p1_grace every trigger_every -> rollback emergency
trigger sla_tracking_latency "Tracking p99 above SLA" when tracking_p99 > max_tracking_p99 for p1_window severity P1 grace p1_grace every trigger_every -> rollback emergency

# P2 - Medium: "Minor issues, degraded performance": resources past the
# success criteria for 10 minutes. The operator decides within an hour
# (asked again while it lasts); nobody deciding means rolling back, which
# walks the traffic back step by step.
trigger db_pool_pressure "Database pool above limit" when db_pool > max_db_pool for p2_window severity P2 decide within p2_decision default rollback every trigger_every -> rollback step_back
trigger memory_pressure "Memory usage above limit" when memory > max_memory for p2_window severity P2 decide within p2_decision default rollback every trigger_every -> rollback step_back
trigger cpu_pressure "CPU usage above limit" when cpu > max_cpu for p2_window severity P2 decide within p2_decision default rollback every trigger_every -> rollback step_back

# P3 - Low: "Continue deployment, monitor only": a single sample above the
# error-rate SLA is recorded in the journal for the post-deployment review.
trigger error_blip "Error rate above SLA (one sample)" when error_rate > max_error_rate severity P3 every trigger_every -> record

# The seed's "Warning Alerts (Monitor Closely)".
warning elevated_response_time "Elevated response time" when response_time > warn_response_time for warning_window every trigger_every
  -> notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "elevated response time: average above ${warn_response_time} for ${warning_window}"))
warning increased_error_rate "Increased error rate" when error_rate > warn_error_rate for warning_window every trigger_every
  -> notify "error rate above ${warn_error_rate} for ${warning_window}: monitor closely"
warning high_cpu "High CPU usage" when cpu > warn_cpu for cpu_warning_window every trigger_every
  -> notify "CPU above ${warn_cpu} for ${cpu_warning_window}: prepare scaling"

# Escalation stops when someone runs `runbook resolve RUN`.
signal resolved "The incident is resolved"

# ------------------------------------------------------------------ Phase 1

# Seed: "Phase 1: Pre-Production Validation (Duration: 1-2 days)". No
# production traffic moves, so no trigger is armed, and a failure stops the
# run where it is: all traffic is still on blue. A checklist item nobody
# answers within prep_answer_timeout is a "no": the rollout stops and Slack
# is told why (the seed gives the phase 1-2 days, but an unanswered gate is
# an abandoned rollout, not a slow one).
phase "Pre-production validation" on fail stop {
  checklist "Staging environment deployment" {
    - "Deploy to staging environment with production-like configuration"
    - "Run comprehensive test suite (unit, integration, e2e tests)"
    - "Execute load testing with 10x expected traffic"
    - "Perform security testing and vulnerability scanning"
    - "Validate monitoring and alerting systems"
    - "Test backup and restore procedures"
    - "Verify all integrations (OAuth2, email providers, etc.)"
  } timeout prep_answer_timeout default no

  # Validation checklist: health checks
  http get "${staging}/health/detailed" expect status 200 retry 2 every 10s
  http get "${track_staging}/pixel/test.png" expect status 200 retry 2 every 10s
  # Performance, security and integration validation
  sh "${npm} run test:performance:staging" timeout 1h
  sh "${npm} run test:security:staging" timeout 1h
  sh "${npm} run test:integration:staging" timeout 1h

  checklist "Pre-production success criteria" {
    - "All tests passing (100% success rate)"
    - "Response times < ${max_api_p99} for API, < ${max_tracking_p99} for tracking"
    - "Zero security vulnerabilities"
    - "All monitoring dashboards operational"
    - "Load testing completed successfully at 10x capacity"
  } timeout prep_answer_timeout default no
} finally {
  if failed {
    notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "rollout stopped before any traffic moved: ${failures}"))
  }
}

# ------------------------------------------------------------------ Phase 2

# Seed: "Phase 2: Blue-Green Deployment Setup (Duration: 0.5 days)".
phase "Blue-green deployment setup" on fail stop {
  checklist "Infrastructure preparation" {
    - "Provision green environment (identical to blue/production)"
    - "Deploy application to green environment"
    - "Configure load balancer for traffic switching"
    - "Setup monitoring for both environments"
    - "Prepare database migration scripts (if needed)"
    - "Configure feature flags for gradual rollout"
  } timeout prep_answer_timeout default no

  # Environment verification
  health.validate_environment(green, "green")      # curl -f https://green.internal.mailsender.app/health/detailed
  traffic.probe_environment(api, "green")          # curl -H "X-Environment: green" https://api.mailsender.app/health
  sh "${npm} run verify:database:green" timeout 15m
  sh "${npm} run test:critical-paths:green" timeout 1h

  # Seed: "Pre-Rollout Checklist", the last gate before users see green.
  checklist "Pre-rollout checklist" {
    - "Staging validation completed successfully"
    - "Load testing completed at 10x capacity"
    - "Security testing completed with no critical issues"
    - "Blue-green infrastructure provisioned and tested"
    - "Monitoring dashboards configured and operational"
    - "Alerting rules configured and tested"
    - "Rollback procedures documented and rehearsed"
    - "Team notification sent to all stakeholders"
    - "Status page prepared for updates"
    - "Emergency contacts confirmed and available"
  } timeout prep_answer_timeout default no
  notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "canary deployment starting"))
} finally {
  if failed {
    notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "rollout stopped before any traffic moved: ${failures}"))
  }
}

# ------------------------------------------------------------------ Phase 3

# Seed: "Phase 3: Canary Deployment (Duration: 2-4 hours)". Each step routes
# a share of traffic to green and holds it for its monitoring window while
# the success criteria are watched. A criterion broken for criteria_window
# (6 minutes) in a row, or still broken when the window ends, fails the
# canary; the immediate-rollback triggers (p0_window, 5 minutes) act first on
# the severe cases. P1 is left to the full rollout: during the canary the
# success criteria themselves are the gate. Any failure here, a lost
# metric included (a canary nobody can judge is not passed), sends all
# traffic back to blue.
phase "Canary deployment" arms high_error_rate, slow_response, database_errors, memory_leak, system_down,
                               security, data_corruption, third_party,
                               error_blip, elevated_response_time, increased_error_rate, high_cpu
                          on fail rollback emergency {
  for pct in canary_steps {
    let window = pct >= canary_long_from ? canary_long_window : canary_window
    traffic.shift(lb, lb_token, api, "green", pct, verify_samples)
    log "${pct}% of traffic on green; monitoring for ${window}"

    # "Monitoring Dashboard Checks" / "Success Criteria"
    watch window every sample_every {
      error_rate < max_error_rate for criteria_window on lost rollback emergency
      api_p99 < max_api_p99 for criteria_window on lost rollback emergency
      tracking_p99 < max_tracking_p99 for criteria_window on lost rollback emergency
      db_pool < max_db_pool for criteria_window on lost rollback emergency
      memory < max_memory for criteria_window on lost rollback emergency
      cpu < max_cpu for criteria_window on lost rollback emergency
    }

    # "Validate tracking functionality with real traffic", "Verify database
    # performance under load"
    health.pixel(track)
    health.database(api)
    checklist "Success criteria for ${pct}% traffic" {
      - "Zero critical errors"
      - "All tracking events processed successfully"
      - "Database performance stable"
    } timeout answer_timeout default no
  }
}

# ------------------------------------------------------------------ Phase 4

# Seed: "Phase 4: Full Production Rollout (Duration: 1-2 hours)". Every
# trigger and warning is armed: with all users on green, the decision
# matrix decides. Any failure (a declined or unanswered approval, a failed
# post-deployment test or validation) sends all traffic back to blue.
phase "Full production rollout" arms all on fail rollback emergency {
  approve "Route 100% of traffic to green (${version})?" timeout answer_timeout default no else rollback emergency
  traffic.shift(lb, lb_token, api, "green", 100, verify_samples)

  # "Update DNS records (if applicable)"; undone by both rollbacks (the
  # emergency one with `undo "full-production-rollout/update-dns"`).
  # Leaving DNS as it is does not fail the rollout: green serves either way.
  if update_dns {
    ask "Apply ${dns_change_batch} to hosted zone ${zone_id}? DNS changes take 5-10 minutes to propagate."
        choices ["apply", "leave DNS unchanged"] timeout answer_timeout default "leave DNS unchanged" as dns_choice
    if dns_choice == "apply" {
      dns.change(aws, zone_id, dns_change_batch) id "update-dns"
        undo {
          dns.change(aws, zone_id, dns_rollback_batch)
          dns.show(dig, nslookup, api_host, track_host)
        }
      dns.show(dig, nslookup, api_host, track_host)
      approve "Do ${api_host} and ${track_host} resolve to the green environment?" timeout answer_timeout default no else rollback emergency
    } else {
      notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "DNS left unchanged: ${api_host} and ${track_host} still point where they did"))
    }
  }

  # "Monitor all systems for 2 hours": the armed triggers are the monitoring.
  wait full_window

  # "Post-Deployment Validation"
  sh "${npm} run test:post-deployment:production" timeout 1h
  sh "${npm} run validate:performance:production" timeout 1h
  sh "${npm} run validate:security:production" timeout 1h
  sh "${npm} run validate:business:production" timeout 1h
  health.validate(api, track, max_api_p99)

  # A "no" here leaves an item open on a finished deployment: green keeps
  # its traffic, and the team is told what is left to do. Nobody answering
  # an item within answer_timeout counts as that "no" (the triggers armed by
  # this phase watch green meanwhile), so the run never waits here for ever.
  checklist "Post-rollout checklist" {
    - "System health validated for 2+ hours"
    - "Performance metrics reviewed and documented"
    - "Error logs reviewed for any issues"
    - "Business metrics validated (open rates, click rates)"
    - "Status page updated with success message"
    - "Post-mortem scheduled (if any issues occurred)"
    - "Documentation updated with lessons learned"
    - "Old environment safely decommissioned"
    - "Success metrics documented for future reference"
  } timeout answer_timeout default no else {
    notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "post-rollout checklist not complete: follow up on the items answered no or left unanswered"))
  }
  # Success is announced only while the SLA holds: a P1 open at this point
  # (breach begun, or in its grace period) either clears first, or rolls the
  # deployment back within its grace period, and nobody is told it completed.
  await error_rate < max_error_rate and api_p99 < max_api_p99 and tracking_p99 < max_tracking_p99
        timeout p1_window + p1_grace + trigger_every every trigger_every
  notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "deployment completed: 100% of traffic on green"))
}

# ------------------------------------------------------------------ rollbacks

# Seed: "Immediate Rollback (< 5 minutes)", emergency-rollback.sh and the
# "Escalation Path", in the seed's order: acknowledge the alert, all traffic
# to blue, verify, tell everyone. The
# checks never stop the communication: a failing one is listed in the
# message, and the rollback ends failed (exit 4). Bounded to 5 minutes;
# escalation runs on its timetable until `runbook resolve RUN`.
# The same procedure on its own is runbooks/emergency-rollback.rb.
# DNS changed in Phase 4 goes back too (`undo` of that one step), without
# walking the canary back.
rollback emergency within rollback_budget
    -> notify.slack("${slack}/${slack_webhook}", notify.rollback_overrun_message(system, rollback_budget, incident_commander)) {
  # The notification's "Downtime" counts from the rollback's start. First,
  # so that `finally` has it however early the body ends (an abort).
  let rollback_started = now()
  # Until the load balancer takes the switch, nothing has been rolled back.
  let traffic_moved = false
  # "Alert Acknowledgment"
  if incident != "" {
    notify.pagerduty_ack(pagerduty, incident, pd_token) soft
  }
  # "Escalation Path": Level 1 is this rollback; the others follow unless resolved.
  after engineering_at unless resolved {
    notify.slack("${slack}/${slack_webhook}", notify.escalation_message(system, 2, "Engineering team", engineering_at, incident_commander))
  }
  after management_at unless resolved {
    notify.slack("${slack}/${slack_webhook}", notify.escalation_message(system, 3, "Management", management_at, incident_commander))
  }
  after executives_at unless resolved {
    notify.slack("${slack}/${slack_webhook}", notify.escalation_message(system, 4, "Executives", executives_at, incident_commander))
  }

  # "Traffic Rollback". A load balancer that refused every try for a quarter
  # of an hour leaves nothing to fall back to: stop here on purpose; `finally`
  # tells everyone the rollback failed and the escalation timers go on.
  traffic.route_persistently(lb, lb_token, "blue", 100) on fail stop
  let traffic_moved = true
  # "DNS Rollback", only if Phase 4 changed it (nothing otherwise).
  undo "full-production-rollout/update-dns"

  # "Health Verification"
  traffic.verify_split(api, "blue", verify_samples) soft
  health.api(api) soft
  health.pixel(track) soft
  log "error rate after the rollback: ${error_rate}"
  await error_rate < rollback_error_rate timeout rollback_verify_timeout every sample_every soft
} finally {
  # "Incident Communication", whatever the verification said.
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

# Undo-based compensation, chosen by the operator for a P2: every completed
# step's undo runs, newest first, so DNS goes back (if it was changed) and
# the traffic split walks back through each canary share to blue 100.
rollback step_back {
  # A load balancer that refuses a step back (after traffic.route's retries)
  # leaves nothing further to try from here: the rollback stops there on
  # purpose, and `finally` tells the team how to finish by hand.
  undo all on fail stop
  # Checked as the emergency rollback checks: what failed is reported and
  # told, the traffic stays on blue.
  traffic.verify_split(api, "blue", verify_samples) soft
  health.validate(api, track, max_api_p99) soft
} finally {
  # The team is told however the step back ended: done, or what failed
  # (traffic may be left split) and how to finish it by hand. A Slack
  # webhook that fails is told to the operator and does not fail it.
  if failed {
    notify.slack("${slack}/${slack_webhook}", notify.step_back_failed_message(system, version, incident_commander, failures))
      on fail { notify "Slack could not be told that the step-by-step rollback failed: post it in the incident channel by hand" }
  } else {
    notify.slack("${slack}/${slack_webhook}", notify.deployment_message(system, version, "rolled back step by step: 100% of traffic on blue"))
      on fail { notify "Slack could not be told that the step-by-step rollback is done: post it in the incident channel by hand" }
  }
}

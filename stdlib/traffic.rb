# std/traffic: move users between the blue (stable) and green (new release)
# environments through the load balancer's admin API, and check where they
# went. This is the seed's /opt/scripts/manage-traffic.sh as functions
# (rollout-strategy.md, "Traffic Management Script" and "Traffic-Based
# Rollback").
#
# The admin API (as the seed's scripts call it):
#   GET  ${lb}/api/traffic  -> {"blue": 75, "green": 25}
#   POST ${lb}/api/traffic     Authorization: Bearer TOKEN
#                              {"environment": "green", "percentage": 25}
#        sets that environment's share; the other environment gets the rest.

# route(lb, token, environment, pct)
#   Sends `pct` percent of traffic to `environment` ("blue" or "green"); the
#   other environment gets the rest.
#   lb           base URL of the load-balancer admin API (https://lb-admin.mailsender.app)
#   token        the admin API's bearer token (a secret: never shown)
#   environment  "blue" or "green"
#   pct          a number from 0 to 100
#   (The load balancer answers 400 to any other environment or share, and
#   the step fails on it.)
#   Side effects: GET ${lb}/api/traffic (the split before, kept for undo),
#   then POST ${lb}/api/traffic. Undo: POSTs the split that was there before,
#   so `undo all` in a rollback block walks a canary back step by step.
fn route(lb, token, environment, pct) {
  http get "${lb}/api/traffic"
       header "Authorization" = "Bearer ${token}"
       expect status 200
       as before
  log "routing ${pct}% of traffic to ${environment}"
  http post "${lb}/api/traffic"
       header "Authorization" = "Bearer ${token}"
       body {"environment": environment, "percentage": pct}
       expect status 200
       retry 3 every 5s
       undo {
         log "putting ${environment} back to ${before.json[environment]}%"
         http post "${lb}/api/traffic"
              header "Authorization" = "Bearer ${token}"
              body {"environment": environment, "percentage": before.json[environment]}
              expect status 200
              retry 3 every 5s
       }
}

# route_persistently(lb, token, environment, pct)
#   route() for an emergency rollback: when the load balancer's admin API
#   does not answer, it is asked again for about a quarter of an hour
#   (10 retries, backoff from 10s capped at 80s, each try up to 30s) instead
#   of giving up after four tries in two and a half minutes, because giving
#   up leaves the users on the failing release. The rollback's `within`
#   bound tells people meanwhile. No undo: nothing goes back from here.
#   Side effects: POST ${lb}/api/traffic.
fn route_persistently(lb, token, environment, pct) {
  log "routing ${pct}% of traffic to ${environment}"
  http post "${lb}/api/traffic"
       header "Authorization" = "Bearer ${token}"
       body {"environment": environment, "percentage": pct}
       expect status 200
       retry 10 every 10s
}

# check_split(lb, token, environment, pct)
#   Asserts that the load balancer reports `pct` percent for `environment`.
#   Use it after a partial shift (a canary step), where requests to /health
#   answer from both environments and cannot prove the split on their own.
#   Side effects: GET ${lb}/api/traffic.
fn check_split(lb, token, environment, pct) {
  http get "${lb}/api/traffic"
       header "Authorization" = "Bearer ${token}"
       expect status 200
       as split
  assert split.json[environment] == pct "the load balancer reports ${split.json[environment]}% for ${environment}, not ${pct}%"
}

# verify_split(api, environment, samples)
#   The seed's "Verify traffic routing" loop: after all traffic went to
#   `environment`, requests to ${api}/health, one a second, must each report
#   it (`jq '.environment'` should return "blue"). The first answer is
#   awaited (up to 2 minutes) because the change takes a moment to
#   propagate; the seed sleeps 30 seconds instead. Then a watch of `samples`
#   seconds, sampling every second, fails at the first answer from the other
#   environment.
#   api          base URL of the public API (https://api.mailsender.app)
#   environment  "blue" or "green"
#   samples      how many requests must agree (the seed uses 10)
#   Side effects: GET ${api}/health, about samples + 1 times.
fn verify_split(api, environment, samples) {
  await http get "${api}/health" json ".environment" == environment timeout 2m every 5s
  watch samples * 1s every 1s {
    http get "${api}/health" json ".environment" == environment
  }
}

# probe_environment(api, environment)
#   The seed's "Test traffic routing": asks one environment directly with
#   the X-Environment header and expects it to answer healthy, as itself.
#   Side effects: GET ${api}/health with X-Environment.
fn probe_environment(api, environment) {
  http get "${api}/health"
       header "X-Environment" = environment
       expect status 200, json ".environment" == environment, json ".status" == "healthy"
}

# shift(lb, token, api, environment, pct, samples)
#   route() then the check that fits the share: at 100% every one of
#   `samples` requests must come from `environment` (verify_split); below
#   100% the load balancer must report the share (check_split).
#   Side effects: those of route() and of the check. Undo: route()'s.
fn shift(lb, token, api, environment, pct, samples) {
  route(lb, token, environment, pct)
  if pct == 100 {
    verify_split(api, environment, samples)
  } else {
    check_split(lb, token, environment, pct)
  }
}

# one_environment(lb, token)
#   True when the load balancer reports all traffic on one environment
#   (blue or green at 100%): the end state every traffic change must leave,
#   declared by a runbook as an invariant checked when its run ends:
#     ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)
#   A split left behind is served by a release nobody watches any more.
#   Side effects: GET ${lb}/api/traffic (a read; retried, since an
#   unanswered read says nothing about the split).
fn one_environment(lb, token) {
  http get "${lb}/api/traffic"
       header "Authorization" = "Bearer ${token}"
       expect status 200
       retry 2 every 5s
       as split
  return split.json["blue"] == 100 or split.json["green"] == 100
}

# std/health: the checks of the seed's /opt/scripts/validate-deployment.sh
# ("Comprehensive Health Validation"), one function per check, plus
# validate() that runs them all the way the script does.
#
# The detailed health endpoint (as the seed reads it with jq):
#   GET ${base}/health/detailed -> {"status": "healthy",
#                                  "components": {"database": {"status": "healthy"},
#                                                 "redis":    {"status": "healthy"}}}

# api(base)
#   API health: ${base}/health/detailed answers 200 with "status": "healthy".
#   base  base URL of the API (https://api.mailsender.app)
#   Side effects: GET ${base}/health/detailed.
fn api(base) {
  http get "${base}/health/detailed"
       expect status 200, json ".status" == "healthy"
       retry 2 every 5s
}

# database(base)
#   Database health as the API sees it: .components.database.status is "healthy".
#   Side effects: GET ${base}/health/detailed.
fn database(base) {
  http get "${base}/health/detailed"
       expect json ".components.database.status" == "healthy"
       retry 2 every 5s
}

# redis(base)
#   Redis health as the API sees it: .components.redis.status is "healthy".
#   Side effects: GET ${base}/health/detailed.
fn redis(base) {
  http get "${base}/health/detailed"
       expect json ".components.redis.status" == "healthy"
       retry 2 every 5s
}

# pixel(track)
#   Tracking: the test pixel ${track}/pixel/test.png answers 200.
#   track  base URL of the tracking host (https://track.mailsender.app)
#   Side effects: GET ${track}/pixel/test.png.
fn pixel(track) {
  http get "${track}/pixel/test.png"
       expect status 200
       retry 2 every 5s
}

# response_time(base, limit)
#   Performance: times one GET ${base}/health (the seed's `curl -w
#   "%{time_total}"`) and logs it against `limit` (the seed uses 100ms). The
#   time is the request's own, on the wall clock (`r.elapsed`): not the
#   interpreter's journaling, and not scaled by --time-scale. Like the seed's
#   script this only warns: a slow single request is worth a look, not a
#   failed validation. Returns the time (a duration).
#   Side effects: GET ${base}/health.
fn response_time(base, limit) {
  http get "${base}/health" expect status 200 as timed
  let took = timed.elapsed
  if took < limit {
    log "response time is good: ${took} (limit ${limit})"
  } else {
    notify "response time is high: ${took} for ${base}/health (limit ${limit})"
  }
  return took
}

# validate(base, track, limit)
#   The whole of validate-deployment.sh: reads API, database and Redis
#   status once (an answer other than 2xx fails at once) and checks each, then the tracking pixel (must answer 200)
#   and the response time (warns above `limit`). Like the script, every
#   check runs even when an earlier one failed (they are `soft`); the call
#   then fails listing every failed check, e.g. "Redis health check failed:
#   unhealthy; GET .../pixel/test.png answered 500".
#   Side effects: GET ${base}/health/detailed, GET ${track}/pixel/test.png,
#   GET ${base}/health.
fn validate(base, track, limit) {
  # An unhealthy API answers 503 with the component statuses: read them
  # either way (validate-deployment.sh reports each one).
  http get "${base}/health/detailed" expect status [200, 503] as detailed
  let api_status = detailed.json.status
  let database_status = detailed.json.components.database.status
  let redis_status = detailed.json.components.redis.status
  log "API: ${api_status}, database: ${database_status}, Redis: ${redis_status}"
  assert api_status == "healthy" "API health check failed: ${api_status}" soft
  assert database_status == "healthy" "Database health check failed: ${database_status}" soft
  assert redis_status == "healthy" "Redis health check failed: ${redis_status}" soft
  pixel(track) soft
  response_time(base, limit)
}

# validate_environment(base, environment)
#   Health of one environment addressed directly (the seed's
#   `curl -f https://green.internal.mailsender.app/health/detailed`):
#   answers 200, healthy, and says it is `environment`.
#   Side effects: GET ${base}/health/detailed with X-Environment.
fn validate_environment(base, environment) {
  http get "${base}/health/detailed"
       header "X-Environment" = environment
       expect status 200, json ".status" == "healthy", json ".environment" == environment
       retry 2 every 5s
}

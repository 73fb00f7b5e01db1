# Comprehensive health validation of a deployment: the seed's
# /opt/scripts/validate-deployment.sh (rollout-strategy.md, "Health Check
# Scripts") as a runbook. API, database and Redis health from
# /health/detailed, the tracking pixel, and the response time.
#
#   runbook run runbooks/validate-deployment.rb -p environment=green
#
# The checks themselves live in stdlib/health.rb so that the rollout and
# the rollbacks run exactly the same ones (health.validate and friends).

runbook "Validate a deployment: API, database, Redis, pixel, response time"

use "std/health"

param environment = "production"                # what is being validated, for the log
param api = "https://api.mailsender.app"
param track = "https://track.mailsender.app"
param max_response_time: duration = 100ms        # the script warns above this

# Like the script, every check runs even after one fails; the phase then
# fails with all of them listed (exit 1), and says so.
phase "Health validation" on fail stop {
  log "validating deployment for the ${environment} environment"
  # API, database and Redis health, reported together, then the pixel and
  # the response time: the script's order.
  health.validate(api, track, max_response_time)
  log "all health checks passed for ${environment}"
} finally {
  if failed {
    notify "validation of ${environment} failed: ${failures}"
  }
}

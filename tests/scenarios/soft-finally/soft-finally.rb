# A small runbook for the soft-check and finally scenarios next to it: two
# soft checks that both run before the phase fails, and a rollback whose
# verification is soft and whose `finally` always communicates. See
# docs/language.md, "Soft checks and finally".
runbook "Soft checks and finally"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

phase "Validate" on fail rollback back_to_blue {
  traffic.route(lb, lb_token, "green", 100)
  sh "check-api" soft
  sh "check-pixel" soft
  sh "report"
} finally {
  sh "phase-cleanup"
}

rollback back_to_blue {
  traffic.route(lb, lb_token, "blue", 100)
  sh "verify-blue" soft
} finally {
  notify failed ? "verification still failing: ${failures}" : "verified"
  sh "notify-team"
}

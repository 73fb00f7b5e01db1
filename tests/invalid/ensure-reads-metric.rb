# An invariant is about where the world ends: it may not read a metric (a
# sample of one moment, also when passed to a function), and it must be true
# or false (the existing type-mismatch).
runbook "Ensure reads a metric"
use "std/traffic"
param lb = "https://lb-admin.example"
param monitoring = "https://monitoring.example"
secret lb_token = env("LB_ADMIN_TOKEN")
metric error_rate = http get "${monitoring}/error-rate" json ".value" unit %
on fail stop
ensure "errors are low" error_rate < 1%
ensure "a metric passed along" traffic.one_environment(lb, "${error_rate}")
ensure "a title, not a check" "traffic is fine"
ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)
phase "Deploy" {
  sh "deploy"
}

# The first phase is never closed; the second one is still read.
runbook "Missing brace"

phase "Staging" {
  sh "./deploy.sh staging"
  wait 5m

phase "Production" {
  sh "./deploy.sh production"
}

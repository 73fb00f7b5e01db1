# Steps live inside a phase, a rollback block or a function.
runbook "Step outside a phase"

sh "./deploy.sh"

phase "Deploy" {
  log "deployed"
}

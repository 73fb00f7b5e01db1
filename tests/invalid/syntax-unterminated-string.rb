# A string ends on its line: the closing quote is missing.
runbook "Unterminated string"

phase "Deploy" {
  log "deploying green
  sh "./deploy.sh green"
}

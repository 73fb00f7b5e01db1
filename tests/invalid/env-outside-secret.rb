# env() read anywhere but as a secret's value.
runbook "env outside a secret"
param home = env("HOME")
phase "Deploy" {
  log "home is ${env("HOME")}"
}

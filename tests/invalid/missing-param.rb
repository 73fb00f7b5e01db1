# `runbook run` needs every param's value: this one has no default and no -p.
# (`runbook check` accepts it: the value may come at run time.)
runbook "Missing param"
param api: string
phase "Deploy" {
  log "deploying to ${api}"
}

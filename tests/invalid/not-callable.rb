# Only functions and module functions can be called.
runbook "Not callable"
param target = "green"
phase "Route" {
  log "${target.name.upper()}"
}

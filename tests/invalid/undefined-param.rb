# A step interpolates a param that does not exist.
runbook "Undefined param"
param api = "http://127.0.0.1:1"
param soak: duration = 30m
phase "Canary" {
  http get "${apii}/health" expect status 200
  wait sock
}

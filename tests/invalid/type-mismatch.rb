# Values of the wrong type: a param default, a loop over a number, a condition that is not a boolean.
runbook "Type mismatch"
param api = "http://127.0.0.1:1"
param soak: duration = 5
param count = 3
metric error_rate = http get "${api}/err" json ".value" unit %
phase "Deploy" {
  for x in count {
    log "${x}"
  }
  assert error_rate
  if "yes" and true {
    log "hm"
  }
}

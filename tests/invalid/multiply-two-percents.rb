runbook "95% read as a factor"

param monitor = "http://127.0.0.1:9"
metric conversion = http get "${monitor}/api/metrics/conversion" json ".value" unit %

phase "Baseline" on fail stop {
  let baseline = conversion
  assert conversion > baseline * 95%
}

# A bare number next to a quantity: which unit was meant cannot be told.
runbook "bare numbers"
param threshold = 2
metric error_rate = http get "http://127.0.0.1:9/errors" json ".value" unit %
metric p99 = http get "http://127.0.0.1:9/p99" json ".value" unit s
metric conversion = http get "http://127.0.0.1:9/conversion" json ".value" unit %
metric queue = http get "http://127.0.0.1:9/queue" json ".value" unit count
param baseline = 3%
phase "Deploy" {
  assert error_rate > 0.02
  assert p99 < 0.5
  assert p99 < 500
  assert error_rate < threshold
  assert error_rate + 1 < 5%
  assert 1 - conversion / baseline < 5%
  # Fine: a bare 0, counts, and a ratio of two quantities of one unit (a percent).
  assert error_rate >= 0
  assert queue < 100
  assert (baseline - conversion) / baseline < 5%
  assert 100% - conversion / baseline < 5%
}

# A metric says what its number means, with a unit the checker knows.
runbook "Bad metric unit"

metric latency = http get "http://127.0.0.1:9/latency" json ".p99" unit seconds

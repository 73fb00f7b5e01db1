# Durations are written 30s, 5m, 1h: "min" is not a unit.
runbook "Unknown unit"

param soak: duration = 30min

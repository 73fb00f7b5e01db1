# Used by the golden runner with -p flags (see check_golden.test.sh).
runbook "Param flags"
param soak: duration = 30m
phase "Deploy" {
  wait soak
}

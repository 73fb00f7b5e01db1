runbook "Live view check"

# The metric is read from a file the test writes: 0.4 (%) throughout.
param metrics_dir: string
param window: duration = 12s

metric error_rate = sh "cat ${metrics_dir}/error_rate" unit %

trigger high_errors "High error rate" when error_rate > 5% for 4s every 2s severity P0 -> rollback back

phase "Canary" arms all {
  log "watching for ${window}"
  wait 6s
  watch window every 2s {
    error_rate < 1% for 10s
  }
}

rollback back {
  log "rolled back"
}

# timestamp(t) and since(t) take a time in seconds since the epoch, as now()
# gives it: not a duration, not text.
runbook "Time builtins"
param started_at = "2026-11-26T15:04:05Z"
param soak: duration = 30m
phase "Report" on fail stop {
  let started = now()
  log "at ${timestamp(started_at)}"
  log "for ${since(soak)}"
  log "at ${timestamp(now(), 1)}"
  # Fine:
  log "at ${timestamp(now())}, ${since(started)} after the start"
  wait since(started) + 1s
}

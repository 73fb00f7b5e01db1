# range(a, b): plain whole numbers, at most 10000 of them. Bounds known
# before the run (literals, params) are checked here; a typo must not become
# a loop that runs for days.
runbook "Bad range"
param samples = 100000
param first = 1.5
param soak: duration = 5m
param runs = 10
phase "Probe" on fail stop {
  for i in range(1, 100000) {
    log "probe ${i}"
  }
  for i in range(1, samples) {
    log "probe ${i}"
  }
  for i in range(first, 3) {
    log "probe ${i}"
  }
  for i in range(0s, soak) {
    log "probe ${i}"
  }
  for i in range("1", 3) {
    log "probe ${i}"
  }
  # Fine: 10000 items, and bounds known only at run time.
  for i in range(1, 10000) {
    log "probe ${i}"
  }
  for i in range(1, runs) {
    for j in range(i, i * 2) {
      log "probe ${i}.${j}"
    }
  }
}

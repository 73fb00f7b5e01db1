runbook "Computed values in a plan: typed ones exactly, computed ones to six digits, splices exactly"

param share = 1 / 3                  # computed: shown as ≈0.333333
param limit: percent = 0.1234567%    # typed: shown as written
param step_wait = 1m / 7             # computed duration: ≈8571.43ms

phase "Spread" on fail stop {
  let doubled = share * 2            # ≈0.666667
  sh "scale --share ${share}"        # the command as it runs: every digit
  log "share ${share}, limit ${limit}"
  wait step_wait
}

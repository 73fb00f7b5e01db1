# `retry N every D` on a call retries the call as a whole: every step of the
# function is redone in each try, and a resumed run carries on with the try
# it was in (docs/language.md, "Steps").
runbook "Retry a call"

param lb: string = "https://lb.example.test"

fn shift(lb, pct) {
  http post "${lb}/api/traffic" body {"environment": "green", "percentage": pct} expect status 200
  sh "check-split ${pct}" idempotent
}

phase "Shift" on fail stop {
  shift(lb, 25) retry 1 every 10s
  log "shifted"
}

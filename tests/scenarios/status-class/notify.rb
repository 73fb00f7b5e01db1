# `expect status 2xx`: a webhook that answers 201 (or 204) has taken the
# message; a 302 to a login page has not.
runbook "Status classes"

param hook: string = "https://hooks.example.test"

phase "Announce" on fail stop {
  http post "${hook}/announce" body {"text": "rollout starts"} expect status 2xx
  log "announced"
}

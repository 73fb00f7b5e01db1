# A secret written into every kind of output.
runbook "Secret in output"
param api = "http://127.0.0.1:1"
secret token = env("TOKEN")
metric error_rate = http get "${api}/err" json ".value" unit %
trigger high_errors when error_rate > 1% for 5m -> notify "token ${token}"
fn announce(text) {
  log "announcing ${text}"
}
phase "Deploy" arms all {
  log "using ${token}"
  notify "token is ${token}"
  checklist "Check ${token}" {
    - "the token is ${token}"
  }
  approve "Proceed with ${token}?"
  let header = "Bearer ${token}"
  assert error_rate < 1% "token ${header}"
  announce(token)
  sh "curl -H 'Authorization: Bearer ${token}' ${api}"
  abort "failed with ${token}"
}

# A header uses a secret that was never declared.
runbook "Undefined secret"
param api = "http://127.0.0.1:1"
secret lb_token = env("LB_TOKEN")
phase "Route" {
  http post "${api}/traffic" header "Authorization" = "Bearer ${lb_tokn}" expect status 200
}

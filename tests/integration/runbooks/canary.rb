# A canary watched through PromQL against a real Prometheus that scrapes
# runbook-sandbox every second (tests/integration/prometheus_canary_test.cpp).
# A green error ratio above 5% is a P0: the canary stops at once and the
# emergency rollback sends all traffic back to blue. The P1 test runs this
# same file with the trigger made a P1 with an 8-second grace period (and a
# longer canary_window), so the two cases cannot drift apart.
runbook "Canary watched by Prometheus"

param lb: string
param prom: string
param canary_window: duration = 6s
secret lb_token = env("LB_ADMIN_TOKEN")

# Green's share of failing requests over the last 3 seconds of scrapes.
metric green_error_ratio = prometheus "${prom}" query 'sum(rate(http_requests_total{environment="green",code=~"5.."}[3s])) / sum(rate(http_requests_total{environment="green"}[3s]))' unit ratio lost after 2 errors

trigger green_errors "Green error ratio above 5%" when green_error_ratio > 5% severity P0 every 1s -> rollback emergency

phase "Shift" {
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": "green", "percentage": 25}
       expect status 200
  # Until green's traffic is in Prometheus's rate window there is no ratio.
  wait 4s
}

phase "Canary" arms all {
  wait canary_window
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": "green", "percentage": 100}
       expect status 200
}

rollback emergency {
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": "blue", "percentage": 100}
       expect status 200
}

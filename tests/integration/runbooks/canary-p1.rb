# A canary watched through PromQL against a real Prometheus that scrapes
# runbook-sandbox every second (tests/integration/prometheus_canary_test.cpp).
# A green error ratio above 5% is a P1: the operator is told, and the
# emergency rollback runs only if the ratio has not cleared within 8 seconds.
runbook "Canary watched by Prometheus (P1 with a grace period)"

param lb: string
param prom: string
param canary_window: duration = 14s
secret lb_token = env("LB_ADMIN_TOKEN")

# Green's share of failing requests over the last 3 seconds of scrapes.
metric green_error_ratio = prometheus "${prom}" query 'sum(rate(http_requests_total{environment="green",code=~"5.."}[3s])) / sum(rate(http_requests_total{environment="green"}[3s]))' unit ratio lost after 2 errors

trigger green_errors "Green error ratio above 5%" when green_error_ratio > 5% severity P1 grace 8s every 1s -> rollback emergency

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

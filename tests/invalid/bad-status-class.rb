runbook "A class of HTTP statuses is 1xx to 5xx"
param hook: string = "https://hooks.example.test"
phase "p" {
  http post "${hook}/a" body {"text": "hi"} expect status 2xx on fail stop
  http post "${hook}/b" body {"text": "hi"} expect status 6xx on fail stop
}

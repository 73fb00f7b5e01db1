# range(), r.elapsed, timestamp() and since() (docs/language-gaps.md, items
# 6 to 8), rehearsed: three timed requests against a 100ms budget, then a
# report of when and how long.
runbook "Time values"

param api: string = "https://api.example.test"
param limit: duration = 100ms
param requests = 3

phase "Probe" on fail stop {
  let started = now()
  for i in range(1, requests) {
    http get "${api}/health" expect status 200 as r
    notify "request ${i} answered in ${r.elapsed}"
    assert r.elapsed < limit "request ${i} took ${r.elapsed}, not under ${limit}"
  }
  wait 2m
  notify "probed at ${timestamp(now())}, ${since(started)} after the start"
} finally {
  if failed {
    notify "probing failed at ${timestamp(now())}: ${failures}"
  }
}

runbook "A rollback whose deadline action is cut short by Ctrl-C"

param hook = "http://hooks.test"

fn tell(text) {
  http post "${hook}/overrun" body {"text": text} expect status 200
}

phase "Go" {
  rollback back
}

rollback back within 1m -> tell("the rollback is taking longer than 1m") {
  wait 5m
  notify "rolled back"
}

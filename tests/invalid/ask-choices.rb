# An ask's choices: each one once, none empty, and its default one of them.
runbook "Ask choices"
phase "DNS" on fail stop {
  ask "DNS is not resolving. What now?" choices ["wait", "roll back", "wait"] timeout 30m default "wait"
  ask "And now?" choices ["wait", "roll back"] timeout 30m default "rollback" as answer
  ask "Empty?" choices ["", "go"]
  ask "No timeout?" choices ["wait", "go"] default "go"
}

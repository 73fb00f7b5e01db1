runbook "Live view: a pending timer and an ask"

# An escalation timer armed first, then a question nobody answers: the live
# view must say what the timer will do and when, and the question its
# choices, its deadline and what nobody answering decides.
signal resolved "The incident is resolved"

phase "Decide" {
  after 30s unless resolved {
    escalate("Level 2", "Engineering team")
  }
  wait 10s
  ask "DNS records are not resolving yet. What now?" choices ["wait", "roll back"] timeout 6s default "roll back" as answer
  log "chose ${answer}"
}

fn escalate(level, audience) {
  notify "${level}: bringing in ${audience}"
}

# Escalation on a timetable until an operator marks the incident resolved:
# the timers run beside the rest of the run, and the run waits for them.
runbook "Escalation until resolved"

param hook: string = "https://hooks.example.test/incident"

signal resolved "The incident is resolved"

phase "Incident" {
  http post "${hook}" body {"text": "Level 1: incident opened"}
  after 15m unless resolved {
    notify "Level 2: engineering on-call"
    http post "${hook}" body {"text": "Level 2"}
  }
  after 30m unless resolved {
    notify "Level 3: engineering manager"
  }
  after 1h unless resolved {
    notify "Level 4: CTO"
  }
  log "escalation armed"
}

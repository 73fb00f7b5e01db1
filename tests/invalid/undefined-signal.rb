# A timer is cancelled by a signal the runbook never declares.
runbook "Undefined signal"
signal resolved "The incident is resolved"
phase "Incident" {
  after 15m unless resovled {
    notify "Level 2: engineering on-call"
  }
  after 30m unless acknowledged {
    notify "Level 3: engineering manager"
  }
}

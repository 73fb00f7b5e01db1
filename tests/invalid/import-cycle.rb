# A module that uses the runbook back: an import cycle.
runbook "Import cycle"
use "./modules/cycle-a.rb"
phase "Deploy" {
  cycle_a.hello()
}

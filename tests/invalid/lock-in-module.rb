# A lock belongs to the runbooks that take it: a module shared by runbooks
# that need not exclude each other cannot decide it for them.
runbook "Lock in a module"
use "./modules/locking.rb"
on fail stop
phase "Deploy" {
  locking.hello()
}

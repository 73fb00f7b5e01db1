# An invariant is a runbook's promise about where its run ends: a module,
# used by runbooks that end in different places, cannot make it for them.
runbook "Ensure in a module"
use "./modules/ensuring.rb"
on fail stop
phase "Deploy" {
  ensuring.hello()
}

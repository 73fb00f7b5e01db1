# Two different modules that would both be called 'traffic'.
runbook "Duplicate module"
use "std/traffic"
use "./modules/other/traffic.rb"
phase "Route" {
  log "routing"
}

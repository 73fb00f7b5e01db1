# An invariant may not read a metric through the functions it calls either:
# the checker follows calls into the runbook's functions and its modules',
# as deep as they go (recursion included), and reports at the invariant's
# call with the chain. A parameter or a let of the same name is not the metric.
runbook "Ensure reads a metric through a function"
use "./modules/sampling.rb"
param monitoring = "https://monitoring.example"
metric error_rate = http get "${monitoring}/error-rate" json ".value" unit %
on fail stop

fn healthy() {
  return rate() < 1%
}

fn rate() {
  return error_rate
}

fn logged() {
  log "error rate at the end: ${error_rate}"
  return true
}

fn countdown(n) {
  return n > 0 ? countdown(n - 1) : error_rate < 1%
}

fn spin(n) {
  return n > 0 ? spin(n - 1) : true
}

# Mutual recursion: ping() reads the metric after calling pong(), which
# calls ping() back; both are reported (pong() too, though following it
# from ping() was cut short where it called ping() again).
fn ping(n) {
  let again = n > 0 ? pong(n - 1) : true
  return again and error_rate < 1%
}

fn pong(n) {
  return ping(n)
}

fn shadowed(error_rate) {
  let queue_depth = error_rate
  return queue_depth < 1
}

ensure "errors are low" healthy()
ensure "the rate is only logged" logged()
ensure "a recursive read" countdown(3)
ensure "the queue is drained" sampling.drained()
ensure "recursion without a metric" spin(3)
ensure "mutual recursion" ping(2) and pong(2)
ensure "a parameter named like the metric" shadowed(0)
phase "Deploy" {
  sh "deploy"
}

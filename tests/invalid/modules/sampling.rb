# Part of tests/invalid/ensure-reads-metric-function.rb: a module whose
# function reads its own metric through a second function.
metric queue_depth = http get "https://monitoring.example/queue" json ".depth" unit count

fn drained() {
  return depth() == 0
}

fn depth() {
  return queue_depth
}

# A call into a module that was never 'use'd.
runbook "Undefined module"
phase "Route" {
  traffic.route("http://127.0.0.1:1", "token", "green", 10)
}
# A route on purpose: this case is about another diagnostic.
on fail stop

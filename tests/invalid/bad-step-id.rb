# Explicit step ids must be names: not a number, no '/', '[' or ']'.
runbook "Bad step id"
phase "Deploy" {
  sh "deploy blue" id "12"
  sh "deploy green" id "deploy/green"
}
# A route on purpose: this case is about another diagnostic.
on fail stop

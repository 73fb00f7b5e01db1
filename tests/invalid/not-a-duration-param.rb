# A duration written as a name must name a param.
runbook "Not a duration param"
phase "Deploy" {
  sh "deploy" timeout deploy_timout
}
# A route on purpose: this case is about another diagnostic.
on fail stop

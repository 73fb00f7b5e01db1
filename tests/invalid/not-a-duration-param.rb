# A duration written as a name must name a param.
runbook "Not a duration param"
phase "Deploy" {
  sh "deploy" timeout deploy_timout
}

# Two steps of one block claim the same explicit id.
runbook "Duplicate step id"
phase "Deploy" {
  sh "deploy blue" id "deploy"
  sh "deploy green" id "deploy"
}

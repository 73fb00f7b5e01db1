# A rollback block nothing leads to (a warning).
runbook "Unreachable rollback"
phase "Deploy" {
  sh "deploy"
}
rollback forgotten {
  sh "undeploy"
}

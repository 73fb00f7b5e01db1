# undo "ID" names one step that has an undo block: not a missing id, not a
# step without undo, not an id two steps of the phase share.
runbook "Undo one step"
param flag = true
phase "Rollout" on fail rollback back {
  sh "apply" id "apply" undo { sh "revert" }
  sh "no undo here"
  if flag {
    sh "dns" id "dns" undo { sh "dns revert" }
  } else {
    sh "dns other" id "dns" undo { sh "dns other revert" }
  }
}
rollback back {
  undo "rollout/aply"
  undo "rollout/2"
  undo "rollout/dns"
  undo "rollout/apply"
}

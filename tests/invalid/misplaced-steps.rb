# 'return' outside a function and 'undo all' outside a rollback block.
runbook "Misplaced steps"
phase "Deploy" {
  undo all
  return 1
}

# A watch with nothing to watch.
runbook "Empty watch"
phase "Canary" {
  watch 5m every 30s {
  }
}

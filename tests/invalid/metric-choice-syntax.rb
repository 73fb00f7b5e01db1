# A metric with alternatives: its clauses go before '{', headers after each source.
runbook "Metric choice syntax"
param prometheus = ""
metric error_rate unit % {
  prometheus "${prometheus}" query 'sum(rate(errors[5m]))' if prometheus != "" unit %
}

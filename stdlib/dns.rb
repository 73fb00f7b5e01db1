# std/dns: the seed's DNS procedures (rollout-strategy.md, "DNS Rollback"):
# change Route 53 records with a prepared change batch, then look at what
# resolvers answer. DNS changes take minutes to propagate and are hard to
# take back, so the runbooks that call these put an approval in front.

# change(aws, zone_id, batch_file)
#   Applies a Route 53 change batch:
#   aws route53 change-resource-record-sets --hosted-zone-id ZONE --change-batch file://BATCH
#   aws         the aws CLI to run ("aws"; a profile may replace it)
#   zone_id     the hosted zone id
#   batch_file  path of the JSON change batch (e.g. rollback-dns-changes.json)
#   Side effects: runs the aws CLI, which changes DNS records.
fn change(aws, zone_id, batch_file) {
  assert zone_id != "" "no hosted zone id given (-p zone_id=...)"
  sh "${aws} route53 change-resource-record-sets --hosted-zone-id ${zone_id} --change-batch file://${batch_file}"
     timeout 2m
}

# show(dig, nslookup, api_host, track_host)
#   The seed's "Verify DNS propagation": `dig API_HOST +short` and
#   `nslookup TRACK_HOST`, printed for the operator (the runbooks then ask
#   whether the answers point where they should).
#   Side effects: runs dig and nslookup (read-only DNS queries).
fn show(dig, nslookup, api_host, track_host) {
  sh "${dig} ${api_host} +short" idempotent timeout 30s
  sh "${nslookup} ${track_host}" idempotent timeout 30s
}

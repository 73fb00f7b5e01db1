# DNS rollback: point the public names back at the blue environment. The
# seed's "2. DNS Rollback (Medium - 5-10 minutes)" (rollout-strategy.md,
# "Automated Rollback Process"). Use it when DNS was changed during the
# rollout (Phase 4, "Update DNS records (if applicable)") and routing
# traffic at the load balancer is not enough.
#
#   runbook run runbooks/dns-rollback.rb -p zone_id=Z123456ABCDEFG

runbook "DNS rollback: api and track back to blue"

use "std/dns"

param aws = "aws"
param dig = "dig"
param nslookup = "nslookup"
param zone_id = ""                                    # the seed's $ZONE_ID (required)
param change_batch = "rollback-dns-changes.json"
param api_host = "api.mailsender.app"
param track_host = "track.mailsender.app"
param propagation: duration = 5m                      # the seed allows 5-10 minutes
param answer_timeout: duration = 10m                   # an unanswered question stops the run (the seed: "5-10 minutes")

# A failure anywhere stops the run where it is, on purpose: this is itself a
# rollback, run by an operator at the terminal, with nothing further to roll
# back to; the operator reads the failure and decides. A question nobody
# answers within answer_timeout is a "no", so it stops the run too.
on fail stop

phase "Confirm" {
  assert zone_id != "" "give the hosted zone id: -p zone_id=..."
  checklist "Before changing DNS" {
    - "${change_batch} points ${api_host} and ${track_host} at the blue environment"
    - "A traffic-based rollback was done first, or cannot help"
    - "Stakeholders know DNS answers will change for 5-10 minutes"
  } timeout answer_timeout default no
  approve "Apply ${change_batch} to hosted zone ${zone_id}?" timeout answer_timeout default no
}

phase "Change DNS records" {
  dns.change(aws, zone_id, change_batch)
}

# "Verify DNS propagation": look, wait, look again, and ask.
phase "Verify propagation" {
  dns.show(dig, nslookup, api_host, track_host)
  wait propagation
  dns.show(dig, nslookup, api_host, track_host)
  approve "Do ${api_host} and ${track_host} now resolve to the blue environment?" timeout answer_timeout default no
}

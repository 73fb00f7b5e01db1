# A small runbook for the undo-step scenarios next to it: the cutover may
# change DNS (the operator decides); the emergency rollback sends traffic back
# to blue and reverts DNS with `undo "cutover/update-dns"`, which does
# nothing when DNS was never changed. See docs/language.md, "Compensating one step".
runbook "Undo one step"

use "std/traffic"

param lb = "https://lb-admin.example"
secret lb_token = env("LB_ADMIN_TOKEN")

phase "Cutover" on fail rollback emergency {
  traffic.route(lb, lb_token, "green", 100)
  ask "Apply the DNS change to green?" choices ["apply", "leave DNS unchanged"] timeout 10m default "leave DNS unchanged" as dns
  if dns == "apply" {
    sh "./dns-change.sh green" id "update-dns" undo {
      sh "./dns-change.sh blue"
      notify "DNS reverted to blue"
    }
  }
  sh "./smoke-test.sh"
}

rollback emergency {
  traffic.route(lb, lb_token, "blue", 100)
  undo "cutover/update-dns"
  notify "emergency rollback done"
}

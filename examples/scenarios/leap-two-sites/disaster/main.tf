# The disaster: Canada is lost. This configuration needs only France, the recovery site: it
# finds there, by name, the recovery plan the two-site configuration (the directory above)
# made, which Prism Central synchronized to France, and fails it over. It has its own state,
# so that it plans and applies while Canada does not answer:
#
#   tofu -chdir=disaster apply -var-file=../env.json     (or terraform; see docs/guides)
#
# The failover recovers into France (the plan's location that is France's Local availability
# zone) from the plan's other location, from the latest recovery point France holds. When
# Canada is back, the two-site configuration converges with active_site = "france".

provider "nutanixdr" {
  endpoint       = var.pcs["france"].endpoint
  port           = var.pcs["france"].port
  username       = var.pcs["france"].username
  password       = var.pcs["france"].password
  ca_certificate = var.pcs["france"].ca_file == null ? null : file(var.pcs["france"].ca_file)
  insecure       = var.pcs["france"].insecure
}

data "nutanixdr_recovery_plan" "replicated_vm" {
  name = var.recovery_plan
}

resource "nutanixdr_failover" "disaster" {
  recovery_plan_id = data.nutanixdr_recovery_plan.replicated_vm.id
  type             = "UNPLANNED"
}

output "failover" {
  description = "The VMs recovered in France and the data lost (the time between their last recovery point and the failure)."
  value = {
    status           = nutanixdr_failover.disaster.status
    recovered_vms    = nutanixdr_failover.disaster.recovered_vms
    data_loss_window = nutanixdr_failover.disaster.data_loss_window
  }
}

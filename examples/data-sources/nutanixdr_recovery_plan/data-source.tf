# On the recovery site (France), with the primary site (Canada) down: the plan made on Canada
# was synchronized to France, which finds it by name and names its locations with its own ids.
data "nutanixdr_recovery_plan" "replicated_vm" {
  provider = nutanixdr.france
  name     = "replicated-vm-canada-to-france"
}

# The failover recovers into France, from the plan's other location: no availability zone id
# of Canada is needed.
resource "nutanixdr_failover" "disaster" {
  provider = nutanixdr.france

  recovery_plan_id = data.nutanixdr_recovery_plan.replicated_vm.id
  type             = "UNPLANNED"
}

# Before a failover: the VMs that would not be recovered yet (no recovery point at France).
output "not_ready" {
  value = [for v in data.nutanixdr_recovery_plan.replicated_vm.validation : v.message if v.type == "RECOVERY_POINT"]
}

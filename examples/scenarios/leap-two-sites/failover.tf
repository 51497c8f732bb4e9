# The failovers of the Leap setup guide, run on the Prism Central of the site that recovers:
# France while the VMs run in Canada, Canada (failback) once active_site = "france". Each takes
# its direction from the plan as that Prism Central reads it (into its Local availability
# zone, from the plan's other location): no availability zone id is needed. Declared when
# needed, behind the failover variable:
#
#   failover = "test"       a test failover into vlan51-test, production untouched; setting the
#                           variable back to "" destroys the resource, which cleans the test VMs up
#   failover = "planned"    a planned failover: the VMs are powered off, synced one last time and
#                           recovered on the other site; then set active_site to that site
#   failover = "unplanned"  recover from the latest replicated recovery point with both sites up
#                           (a drill). With the primary site down, this configuration cannot
#                           plan: run the disaster configuration instead, which needs only
#                           France (tofu -chdir=disaster apply, see disaster/main.tf)
#
# Destroying a planned or unplanned failover only forgets its job: it moves no VM back.

locals {
  failover_types = { test = "TEST", planned = "PLANNED", unplanned = "UNPLANNED" }
}

resource "nutanixdr_failover" "to_france" {
  count    = var.failover != "" && local.standby_site == "france" ? 1 : 0
  provider = nutanixdr.france

  recovery_plan_id   = nutanixdr_recovery_plan.replicated_vm.id
  type               = local.failover_types[var.failover]
  cleanup_on_destroy = var.failover == "test" ? true : null
}

resource "nutanixdr_failover" "to_canada" {
  count    = var.failover != "" && local.standby_site == "canada" ? 1 : 0
  provider = nutanixdr.canada

  recovery_plan_id   = nutanixdr_recovery_plan.replicated_vm.id
  type               = local.failover_types[var.failover]
  cleanup_on_destroy = var.failover == "test" ? true : null
}

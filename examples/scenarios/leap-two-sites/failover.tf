# The failovers of the Leap setup guide, run on the Prism Central of the site that recovers:
# France while the VMs run in Canada, Canada (failback) once active_site = "france". Declared
# when needed, behind the failover variable:
#
#   failover = "test"       a test failover into vlan51-test, production untouched; setting the
#                           variable back to "" destroys the resource, which cleans the test VMs up
#   failover = "planned"    a planned failover: the VMs are powered off, synced one last time and
#                           recovered on the other site; then set active_site to that site
#   failover = "unplanned"  the primary site is lost: recover from the latest replicated recovery
#                           point. With the primary down, run only this resource:
#                             tofu apply -refresh=false -target=nutanixdr_failover.to_france
#
# Destroying a planned or unplanned failover only forgets its job: it moves no VM back.

locals {
  failover_types = { test = "TEST", planned = "PLANNED", unplanned = "UNPLANNED" }
}

resource "nutanixdr_failover" "to_france" {
  count    = var.failover != "" && local.standby_site == "france" ? 1 : 0
  provider = nutanixdr.france

  recovery_plan_id          = nutanixdr_recovery_plan.replicated_vm.id
  type                      = local.failover_types[var.failover]
  from_availability_zone_id = data.nutanixdr_availability_zone.canada_from_france.id
  to_availability_zone_id   = data.nutanixdr_availability_zone.france_local.id
  cleanup_on_destroy        = var.failover == "test" ? true : null
}

resource "nutanixdr_failover" "to_canada" {
  count    = var.failover != "" && local.standby_site == "canada" ? 1 : 0
  provider = nutanixdr.canada

  recovery_plan_id          = nutanixdr_recovery_plan.replicated_vm.id
  type                      = local.failover_types[var.failover]
  from_availability_zone_id = nutanixdr_availability_zone.france.id
  to_availability_zone_id   = data.nutanixdr_availability_zone.canada_local.id
  cleanup_on_destroy        = var.failover == "test" ? true : null
}

# The Leap setup guide's recovery plan: a failover from the active site to the standby one
# recovers the VMs tagged replicated-vm:from-canada, powered on, into vlan50-prod (vlan51-test
# for a test failover) on either side. And a second, staged plan that shows boot order: dns-01
# first, then 30 seconds later the applications that resolve names through it.
#
# Both plans are created on Canada, as in the guide; Prism Central syncs them to France, where
# a failover finds them (the disaster configuration, ./disaster, finds the guide's plan there
# by its name, which is why the name does not change when the plan is reversed). A failover is
# started on the site that recovers. Flipping active_site reverses the plans (and the
# policy's primary location) for failback.

locals {
  # Each site's availability zone, as each Prism Central names it.
  az_from_canada = {
    canada = data.nutanixdr_availability_zone.canada_local.id
    france = nutanixdr_availability_zone.france.id
  }
  standby_site = var.active_site == "canada" ? "france" : "canada"

  # Production and test networks are the same on both sides (the guide's VLANs 50 and 51).
  site_networks = {
    production = { subnet_name = var.networks.production.name, gateway_ip = var.networks.production.gateway_ip, prefix_length = var.networks.production.prefix_length }
    test       = { subnet_name = var.networks.test.name, gateway_ip = var.networks.test.gateway_ip, prefix_length = var.networks.test.prefix_length }
  }
}

resource "nutanixdr_recovery_plan" "replicated_vm" {
  provider = nutanixdr.canada

  name        = var.category_name
  description = "Recovers the ${var.category_name}:${var.category_value} VMs of ${var.active_site} in ${local.standby_site}."

  primary_location  = { availability_zone_id = local.az_from_canada[var.active_site] }
  recovery_location = { availability_zone_id = local.az_from_canada[local.standby_site] }

  stages = [
    {
      entities = [{
        categories = { (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value }
        power_on   = true
      }]
    },
  ]

  network_mappings = [{ primary = local.site_networks, recovery = local.site_networks }]

  depends_on = [nutanixdr_protection_policy.replicated_vm]
}

data "nutanixdr_vm" "dns" {
  provider = nutanixdr.canada
  name     = "dns-01"
}

# The staged plan exists while the VMs run in Canada, where dns-01 lives.
resource "nutanixdr_recovery_plan" "dns_first" {
  count    = var.active_site == "canada" ? 1 : 0
  provider = nutanixdr.canada

  name        = "dns-first-${var.active_site}-to-${local.standby_site}"
  description = "dns-01 first, then 30 seconds later app-01 and db-01."

  primary_location  = { availability_zone_id = local.az_from_canada[var.active_site] }
  recovery_location = { availability_zone_id = local.az_from_canada[local.standby_site] }

  stages = [
    {
      delay_after = "30s"
      entities    = [{ vm_id = data.nutanixdr_vm.dns.id, power_on = true }]
    },
    {
      entities = [for name in sort(tolist(var.protected_vms)) : { vm_id = local.protected_vms[name].id, power_on = true }]
    },
  ]

  network_mappings = [{ primary = local.site_networks, recovery = local.site_networks }]

  # The DNS server keeps its address wherever it runs: the other VMs are configured with it.
  ip_assignments = [
    { vm_id = data.nutanixdr_vm.dns.id, site = "recovery", recovery_ip = var.dns_ip },
  ]

  depends_on = [nutanixdr_protection_policy.replicated_vm]
}

# A failover from Canada to France recovers the VMs in replicated-vm:from-canada, powered on,
# into vlan50-prod (vlan51-test for a test failover) on either side. The plan is created on
# canada; France sees it too, and a failover is started there. The VMs must be protected toward
# France (nutanixdr_protection_policy.canada_to_france).
data "nutanixdr_availability_zone" "local" {
  provider = nutanixdr.canada
  local    = true
}

resource "nutanixdr_recovery_plan" "canada_to_france" {
  provider = nutanixdr.canada

  name        = "canada-to-france"
  description = "Failover of the replicated-vm:from-canada VMs to France"

  primary_location  = { availability_zone_id = data.nutanixdr_availability_zone.local.id }
  recovery_location = { availability_zone_id = nutanixdr_availability_zone.france.id }

  stages = [
    {
      entities = [{ categories = { "replicated-vm" = "from-canada" }, power_on = true }]
    },
  ]

  network_mappings = [
    {
      primary = {
        production = { subnet_name = "vlan50-prod" }
        test       = { subnet_name = "vlan51-test" }
      }
      recovery = {
        production = { subnet_name = "vlan50-prod" }
        test       = { subnet_name = "vlan51-test" }
      }
    },
  ]

  depends_on = [nutanixdr_protection_policy.canada_to_france]
}

# Boot order: the DNS server first, with its recovery script, then 30 seconds later the
# applications that resolve names through it. Static IPs keep the DNS server at the address
# the others are configured with, at both sites.
data "nutanixdr_vm" "dns" {
  provider = nutanixdr.canada
  name     = "dns-01"
}

data "nutanixdr_vm" "app" {
  provider = nutanixdr.canada
  name     = "app-01"
}

data "nutanixdr_vm" "db" {
  provider = nutanixdr.canada
  name     = "db-01"
}

resource "nutanixdr_recovery_plan" "dns_first" {
  provider = nutanixdr.canada

  name        = "canada-to-france-dns-first"
  description = "dns-01 first, then app-01 and db-01 after 30 seconds"

  primary_location  = { availability_zone_id = data.nutanixdr_availability_zone.local.id }
  recovery_location = { availability_zone_id = nutanixdr_availability_zone.france.id }

  stages = [
    {
      delay_after = "30s"
      entities = [
        {
          vm_id    = data.nutanixdr_vm.dns.id
          power_on = true
          script   = { enabled = true, timeout = "5m" }
        },
      ]
    },
    {
      entities = [
        { vm_id = data.nutanixdr_vm.app.id, power_on = true },
        { vm_id = data.nutanixdr_vm.db.id, power_on = true },
      ]
    },
  ]

  network_mappings = [
    {
      primary = {
        production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }
        test       = { subnet_name = "vlan51-test", gateway_ip = "192.168.51.1", prefix_length = 25 }
      }
      recovery = {
        production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }
        test       = { subnet_name = "vlan51-test", gateway_ip = "192.168.51.1", prefix_length = 25 }
      }
    },
  ]

  ip_assignments = [
    { vm_id = data.nutanixdr_vm.dns.id, site = "primary", recovery_ip = "192.168.50.2" },
    { vm_id = data.nutanixdr_vm.dns.id, site = "recovery", recovery_ip = "192.168.50.2", test_ip = "192.168.51.2" },
  ]

  timeouts = {
    create = "15m"
    update = "15m"
    delete = "15m"
  }

  depends_on = [nutanixdr_protection_policy.canada_to_france]
}

# What Prism Central reports about the plan (e.g. a VM no protection policy covers).
output "dns_first_validation" {
  value = nutanixdr_recovery_plan.dns_first.validation
}

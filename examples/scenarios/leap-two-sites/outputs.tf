output "category" {
  description = "The category value that selects the replicated VMs, as key:value."
  value       = "${nutanixdr_category_value.from_canada_canada.category}:${nutanixdr_category_value.from_canada_canada.value}"
}

output "category_value_ids" {
  description = "Id of the category value on each site."
  value = {
    canada = nutanixdr_category_value.from_canada_canada.id
    france = nutanixdr_category_value.from_canada_france.id
  }
}

output "protected_vms" {
  description = "The VMs in Canada that carry the category, with their id, IPs and the categories this configuration manages."
  value = {
    for name, vm in data.nutanixdr_vm.protected : name => {
      id           = vm.id
      ip_addresses = vm.ip_addresses
      power_state  = vm.power_state
      categories   = nutanixdr_vm_categories.protected[name].categories
    }
  }
}

output "availability_zones" {
  description = "The availability zones each site sees: its Local AZ and the paired one."
  value = {
    canada = {
      local  = data.nutanixdr_availability_zone.canada_local.id
      paired = { name = nutanixdr_availability_zone.france.name, id = nutanixdr_availability_zone.france.id }
    }
    france = {
      local = data.nutanixdr_availability_zone.france_local.id
      paired = {
        name      = data.nutanixdr_availability_zone.canada_from_france.name
        id        = data.nutanixdr_availability_zone.canada_from_france.id
        reachable = data.nutanixdr_availability_zone.canada_from_france.reachable
      }
    }
  }
}

output "protection_policy" {
  description = "The protection policy and the VMs it covers now."
  value = {
    id               = nutanixdr_protection_policy.replicated_vm.id
    protected_vm_ids = nutanixdr_protection_policy.replicated_vm.protected_vm_ids
  }
}

output "recovery_plans" {
  description = "The recovery plans, with the number of VMs each covers and what Prism Central reports about them."
  value = {
    for name, plan in {
      replicated_vm = nutanixdr_recovery_plan.replicated_vm
      dns_first     = nutanixdr_recovery_plan.dns_first
    } : name => { id = plan.id, name = plan.name, entity_count = plan.entity_count, validation = plan.validation }
  }
}

output "category" {
  description = "The category value that selects the replicated VMs, as key:value."
  value       = "${nutanixdr_category_value.from_canada.category}:${nutanixdr_category_value.from_canada.value}"
}

output "category_value_id" {
  description = "Id of the category value on Canada, where it is created (France receives it with the policy)."
  value       = nutanixdr_category_value.from_canada.id
}

output "protected_vms" {
  description = "The protected VMs on the site they run on, with their id, IPs and the categories this configuration manages."
  value = {
    for name, vm in local.protected_vms : name => {
      site         = vm.site
      id           = vm.id
      ip_addresses = vm.ip_addresses
      power_state  = vm.power_state
      categories   = lookup(local.protected_vm_categories, name, {})
    }
  }
}

output "availability_zones" {
  description = "The availability zones: each site's Local AZ, and Canada's of France (the pairing)."
  value = {
    canada = {
      local  = data.nutanixdr_availability_zone.canada_local.id
      paired = { name = nutanixdr_availability_zone.france.name, id = nutanixdr_availability_zone.france.id }
    }
    france = {
      local = data.nutanixdr_availability_zone.france_local.id
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
    for name, plan in merge(
      { replicated_vm = nutanixdr_recovery_plan.replicated_vm },
      { for p in nutanixdr_recovery_plan.dns_first : "dns_first" => p },
    ) : name => { id = plan.id, name = plan.name, entity_count = plan.entity_count, validation = plan.validation }
  }
}

output "failover" {
  description = "The last failover this configuration ran (none when failover is unset): its job, status, recovered VMs and, for an unplanned failover, the data lost."
  value = one([
    for f in concat(nutanixdr_failover.to_france, nutanixdr_failover.to_canada) : {
      job_id           = f.job_id
      type             = f.type
      status           = f.status
      to               = local.standby_site
      recovered_vms    = f.recovered_vms
      warnings         = f.warnings
      data_loss_window = f.data_loss_window
    }
  ])
}

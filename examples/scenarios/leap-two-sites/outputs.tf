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

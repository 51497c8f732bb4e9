output "category" {
  description = "The category value that selects the protected VMs, as key:value."
  value       = "${nutanixdr_category_value.tokyo.category}:${nutanixdr_category_value.tokyo.value}"
}

output "networks" {
  description = "Each site's no-NAT uplink, VPC (with its externally routable prefixes) and overlay subnet."
  value = {
    tokyo = {
      external_subnet_id = nutanixdr_subnet.tokyo_external.id
      enable_nat         = nutanixdr_subnet.tokyo_external.enable_nat
      vpc_id             = nutanixdr_vpc.tokyo.id
      routable_prefixes  = nutanixdr_vpc.tokyo.externally_routable_prefixes
      overlay_subnet_id  = nutanixdr_subnet.tokyo_overlay.id
      overlay_cidr       = nutanixdr_subnet.tokyo_overlay.ip_config.cidr
    }
    osaka = {
      external_subnet_id = nutanixdr_subnet.osaka_external.id
      enable_nat         = nutanixdr_subnet.osaka_external.enable_nat
      vpc_id             = nutanixdr_vpc.osaka.id
      routable_prefixes  = nutanixdr_vpc.osaka.externally_routable_prefixes
      overlay_subnet_id  = nutanixdr_subnet.osaka_overlay.id
      overlay_cidr       = nutanixdr_subnet.osaka_overlay.ip_config.cidr
    }
  }
}

output "protected_vms" {
  description = "The protected VMs on the active site, with their id and IP addresses."
  value = {
    for name, vm in merge(data.nutanixdr_vm.tokyo, data.nutanixdr_vm.osaka) : name => {
      id           = vm.id
      ip_addresses = vm.ip_addresses
      power_state  = vm.power_state
    }
  }
}

output "availability_zones" {
  description = "Each site's Local availability zone and its view of the other."
  value = {
    tokyo = { local = data.nutanixdr_availability_zone.tokyo_local.id, osaka = nutanixdr_availability_zone.osaka.id }
    osaka = { local = data.nutanixdr_availability_zone.osaka_local.id, tokyo = data.nutanixdr_availability_zone.tokyo_from_osaka.id }
  }
}

output "recovery_plan" {
  description = "The recovery plan, the VMs it covers and what Prism Central reports about it."
  value = one([
    for plan in nutanixdr_recovery_plan.tokyo_osaka : {
      id           = plan.id
      name         = plan.name
      entity_count = plan.entity_count
      validation   = plan.validation
    }
  ])
}

output "failover" {
  description = "The planned failover to Osaka, once run: its status and the VMs it recovered with their addresses."
  value = one([
    for f in nutanixdr_failover.to_osaka : {
      status        = f.status
      warnings      = f.warnings
      recovered_vms = { for vm in f.recovered_vms : vm.name => vm.ip_addresses }
    }
  ])
}

output "failback" {
  description = "The planned failback to Tokyo, once run."
  value = one([
    for f in nutanixdr_failover.to_tokyo : {
      status        = f.status
      warnings      = f.warnings
      recovered_vms = { for vm in f.recovered_vms : vm.name => vm.ip_addresses }
    }
  ])
}

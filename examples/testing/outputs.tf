output "protected_vm_ids" {
  description = "Ids of the VMs the protection policy covers."
  value       = nutanixdr_protection_policy.protected.protected_vm_ids
}

output "recovery_plan" {
  description = "The recovery plan: its id, how many VMs it recovers, and what Prism Central says about it."
  value = {
    id           = nutanixdr_recovery_plan.protected.id
    entity_count = nutanixdr_recovery_plan.protected.entity_count
    validation   = nutanixdr_recovery_plan.protected.validation
  }
}

output "test_failover" {
  description = "The test failover, when test_failover is true: its status and the test copies it started."
  value = one([
    for f in nutanixdr_failover.test : {
      status        = f.status
      recovered_vms = { for vm in f.recovered_vms : vm.name => vm.ip_addresses }
    }
  ])
}

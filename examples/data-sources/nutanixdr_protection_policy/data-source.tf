# On the recovery site (France): the policy made on Canada, synchronized to France.
data "nutanixdr_protection_policy" "replicated_vm" {
  provider = nutanixdr.france
  name     = "replicated-vm"
}

output "primary_availability_zones" {
  value = [for l in data.nutanixdr_protection_policy.replicated_vm.locations : l.availability_zone_id if l.primary]
}

# The VMs of one cluster that carry a category.
data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

data "nutanixdr_vms" "protected" {
  name_regex = "^app-"
  categories = { "replicated-vm" = "from-canada" }
  cluster_id = data.nutanixdr_cluster.ca.id
}

output "protected_vms" {
  value = { for vm in data.nutanixdr_vms.protected.vms : vm.name => vm.id }
}

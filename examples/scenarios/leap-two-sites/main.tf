# The category that selects the VMs replicated from Canada to France, on both sites.

resource "nutanixdr_category" "replicated_vm_canada" {
  provider = nutanixdr.canada

  name        = var.category_name
  description = "VMs protected by the Canada/France disaster recovery topology."
}

resource "nutanixdr_category_value" "from_canada_canada" {
  provider = nutanixdr.canada

  category    = nutanixdr_category.replicated_vm_canada.name
  value       = var.category_value
  description = "Replicated from Canada to France."
}

resource "nutanixdr_category" "replicated_vm_france" {
  provider = nutanixdr.france

  name        = var.category_name
  description = "VMs protected by the Canada/France disaster recovery topology."
}

resource "nutanixdr_category_value" "from_canada_france" {
  provider = nutanixdr.france

  category    = nutanixdr_category.replicated_vm_france.name
  value       = var.category_value
  description = "Replicated from Canada to France."
}

# The VMs to protect, looked up by name in Canada.
data "nutanixdr_vm" "protected" {
  for_each = var.protected_vms
  provider = nutanixdr.canada

  name = each.key
}

# Tag each of them. Other categories the VMs carry are left alone.
resource "nutanixdr_vm_categories" "protected" {
  for_each = data.nutanixdr_vm.protected
  provider = nutanixdr.canada

  vm_id = each.value.id
  categories = {
    (nutanixdr_category_value.from_canada_canada.category) = nutanixdr_category_value.from_canada_canada.value
  }
}

# The category that selects the VMs replicated from Canada to France, created on Canada only
# (seed step "Création d'une catégorie"): France receives it with the protection policy that
# uses it, through Leap's entity sync between paired availability zones.

resource "nutanixdr_category" "replicated_vm" {
  provider = nutanixdr.canada

  name        = var.category_name
  description = "VMs protected by the Canada/France disaster recovery topology."
}

resource "nutanixdr_category_value" "from_canada" {
  provider = nutanixdr.canada

  category    = nutanixdr_category.replicated_vm.name
  value       = var.category_value
  description = "Replicated from Canada to France."
}

# The VMs to protect, looked up by name and tagged on the site they run on (active_site): after
# a failover to France, set active_site = "france" and the configuration follows them.
data "nutanixdr_vm" "protected" {
  for_each = var.active_site == "canada" ? var.protected_vms : toset([])
  provider = nutanixdr.canada

  name = each.key
}

data "nutanixdr_vm" "protected_in_france" {
  for_each = var.active_site == "france" ? var.protected_vms : toset([])
  provider = nutanixdr.france

  name = each.key
}

# Tag each of them. Other categories the VMs carry are left alone. The VMs keep their
# categories when they fail over, so the tag follows them; it is declared again where they run.
resource "nutanixdr_vm_categories" "protected" {
  for_each = data.nutanixdr_vm.protected
  provider = nutanixdr.canada

  vm_id = each.value.id
  categories = {
    (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value
  }
}

# In France the category exists once the protection policy is synced there (the VMs only
# run in France after a failover, which needs the policy).
resource "nutanixdr_vm_categories" "protected_in_france" {
  for_each = data.nutanixdr_vm.protected_in_france
  provider = nutanixdr.france

  vm_id = each.value.id
  categories = {
    (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value
  }
}

locals {
  # The protected VMs wherever they run, by name.
  protected_vms = merge(data.nutanixdr_vm.protected, data.nutanixdr_vm.protected_in_france)
  protected_vm_categories = merge(
    { for name, r in nutanixdr_vm_categories.protected : name => r.categories },
    { for name, r in nutanixdr_vm_categories.protected_in_france : name => r.categories },
  )
}

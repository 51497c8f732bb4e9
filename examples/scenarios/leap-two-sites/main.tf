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

# The VMs to protect, looked up by name on both sites and tagged where they run: a failover
# moves a VM to the other Prism Central with its uuid and its categories, so after a failover
# it is found on the other side and its tag is adopted there. A lookup that does not find the
# VM (it runs on the other site) is no error (allow_missing).
data "nutanixdr_vm" "in_canada" {
  for_each = var.protected_vms
  provider = nutanixdr.canada

  name          = each.key
  allow_missing = true
}

data "nutanixdr_vm" "in_france" {
  for_each = var.protected_vms
  provider = nutanixdr.france

  name          = each.key
  allow_missing = true
}

# Tag each of them where it runs. Other categories the VMs carry are left alone.
resource "nutanixdr_vm_categories" "protected" {
  for_each = { for name, vm in data.nutanixdr_vm.in_canada : name => vm.id if vm.found }
  provider = nutanixdr.canada

  vm_id = each.value
  categories = {
    (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value
  }
}

# In France the category exists once the protection policy is synced there (the VMs only
# run in France after a failover, which needs the policy).
resource "nutanixdr_vm_categories" "protected_in_france" {
  for_each = { for name, vm in data.nutanixdr_vm.in_france : name => vm.id if vm.found }
  provider = nutanixdr.france

  vm_id = each.value
  categories = {
    (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value
  }
}

locals {
  # The protected VMs wherever they run, by name, with their site.
  protected_vms = merge(
    { for name, vm in data.nutanixdr_vm.in_canada : name => merge(vm, { site = "canada" }) if vm.found },
    { for name, vm in data.nutanixdr_vm.in_france : name => merge(vm, { site = "france" }) if vm.found },
  )
  protected_vm_categories = merge(
    { for name, r in nutanixdr_vm_categories.protected : name => r.categories },
    { for name, r in nutanixdr_vm_categories.protected_in_france : name => r.categories },
  )
}

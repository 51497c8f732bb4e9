resource "nutanixdr_category" "replicated_vm" {
  name = "replicated-vm"
}

resource "nutanixdr_category_value" "from_canada" {
  category    = nutanixdr_category.replicated_vm.name
  value       = "from-canada"
  description = "Protected from Canada to France"
}

# Many values at once.
resource "nutanixdr_category_value" "tier" {
  for_each = toset(["tier-1", "tier-2", "tier-3"])

  category = nutanixdr_category.replicated_vm.name
  value    = each.key
}

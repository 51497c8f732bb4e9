data "nutanixdr_vm" "app" {
  name = "app-01"
}

resource "nutanixdr_category" "replicated_vm" {
  name = "replicated-vm"
}

resource "nutanixdr_category_value" "from_canada" {
  category = nutanixdr_category.replicated_vm.name
  value    = "from-canada"
}

# Puts app-01 under the policies that select replicated-vm:from-canada. Other categories of
# the VM (set in the Prism Central UI or by another configuration) are left alone.
resource "nutanixdr_vm_categories" "app" {
  vm_id = data.nutanixdr_vm.app.id
  categories = {
    (nutanixdr_category_value.from_canada.category) = nutanixdr_category_value.from_canada.value
  }
}

# The user-defined category keys (system-defined ones cannot be managed).
data "nutanixdr_categories" "user" {
  system_defined = false
}

output "category_names" {
  value = data.nutanixdr_categories.user.ids
}

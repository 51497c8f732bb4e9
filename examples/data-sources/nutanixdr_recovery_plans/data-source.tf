# The plans that recover the VMs of one category.
data "nutanixdr_recovery_plans" "from_canada" {
  categories = { "replicated-vm" = "from-canada" }
}

output "plan_ids" {
  value = data.nutanixdr_recovery_plans.from_canada.ids
}

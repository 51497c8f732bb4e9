# A system-defined category cannot be managed, only referenced.
data "nutanixdr_category" "environment" {
  name = "Environment"
}

output "environment_values" {
  value = [for v in data.nutanixdr_category.environment.values : v.value]
}

data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

output "ca01_id" {
  value = data.nutanixdr_cluster.ca.id
}

data "nutanixdr_vm" "app" {
  name = "app-01"
}

output "app_ips" {
  value = data.nutanixdr_vm.app.ip_addresses
}

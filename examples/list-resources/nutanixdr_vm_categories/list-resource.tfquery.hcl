list "nutanixdr_vm_categories" "all" {
  provider = nutanixdr
}

list "nutanixdr_category" "all" {
  provider = nutanixdr
}

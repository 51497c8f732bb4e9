list "nutanixdr_category_value" "all" {
  provider = nutanixdr
}

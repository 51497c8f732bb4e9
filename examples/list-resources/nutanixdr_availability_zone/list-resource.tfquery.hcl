list "nutanixdr_availability_zone" "all" {
  provider = nutanixdr
}

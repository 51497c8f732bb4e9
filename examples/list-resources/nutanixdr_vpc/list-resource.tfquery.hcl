list "nutanixdr_vpc" "all" {
  provider = nutanixdr
}

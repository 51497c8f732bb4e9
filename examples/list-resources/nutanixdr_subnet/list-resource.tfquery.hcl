list "nutanixdr_subnet" "all" {
  provider = nutanixdr
  config {
    name_regex = "^vlan"
  }
}

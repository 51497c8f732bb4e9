list "nutanixdr_vpc_route_table" "all" {
  provider = nutanixdr
}

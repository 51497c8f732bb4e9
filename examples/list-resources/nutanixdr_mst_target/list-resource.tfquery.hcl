list "nutanixdr_mst_target" "all" {
  provider = nutanixdr
}

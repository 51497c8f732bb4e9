list "nutanixdr_protection_policy" "all" {
  provider = nutanixdr
  config {
    name_regex = "^replicated-"
  }
}

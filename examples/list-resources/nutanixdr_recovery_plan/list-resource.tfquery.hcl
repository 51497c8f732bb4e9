list "nutanixdr_recovery_plan" "all" {
  provider = nutanixdr
}

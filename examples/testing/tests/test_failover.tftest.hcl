# Rehearses the DR module against prismsim: apply it, run a test failover, check what it
# recovered, clean the test copies up. `tofu test` destroys everything at the end.
#
#   prismsim -config tests/world.yaml -state-dir "$STATE_DIR" &
#   tofu test -var-file="$STATE_DIR/env.json"

run "protect" {
  assert {
    condition     = length(output.protected_vm_ids) == length(var.protected_vms)
    error_message = "The protection policy covers ${length(output.protected_vm_ids)} VMs, want ${length(var.protected_vms)}."
  }
  assert {
    condition     = output.recovery_plan.entity_count == length(var.protected_vms)
    error_message = "The recovery plan recovers ${output.recovery_plan.entity_count} VMs, want ${length(var.protected_vms)}."
  }
  assert {
    condition     = output.test_failover == null
    error_message = "No failover may run unless test_failover is set."
  }
}

run "test_failover" {
  variables {
    test_failover = true
  }
  assert {
    # The copies (named <vm>-test) cannot keep their production addresses in the smaller test network: Prism
    # Central warns that each gets the same host number there, and the job still completes.
    condition     = contains(["COMPLETED", "COMPLETED_WITH_WARNING"], output.test_failover.status)
    error_message = "The test failover ended ${output.test_failover.status}."
  }
  assert {
    # jsonencode compares the values whatever their types (list or tuple, map or object).
    condition = jsonencode(output.test_failover.recovered_vms) == jsonencode({
      "app-01-test" = ["192.168.51.10"]
      "db-01-test"  = ["192.168.51.11"]
    })
    error_message = "The test copies are not the protected VMs in the test network: ${jsonencode(output.test_failover.recovered_vms)}."
  }
}

run "clean_up" {
  variables {
    test_failover = false
  }
  assert {
    condition     = output.test_failover == null
    error_message = "The test failover is still there."
  }
}

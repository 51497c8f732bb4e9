# Terraform 1.14 and later: run with
#   terraform apply -invoke=action.nutanixdr_failover.planned
# The action reports progress as the stages of the plan complete; nothing goes in the state.
action "nutanixdr_failover" "planned" {
  provider = nutanixdr.france # the recovery site

  config {
    recovery_plan_id = nutanixdr_recovery_plan.canada_to_france.id
    type             = "PLANNED"
    timeout          = "3h"
  }
}

# A test failover: clean it up with the nutanixdr_failover_cleanup action.
action "nutanixdr_failover" "rehearsal" {
  provider = nutanixdr.france

  config {
    recovery_plan_id = nutanixdr_recovery_plan.canada_to_france.id
    type             = "TEST"
  }
}

# Failovers run on the Prism Central of the recovery site: here france, for a plan that
# recovers canada's VMs in france.
# The direction comes from the plan as france reads it: into france's Local availability zone,
# from the plan's other location (from_availability_zone_id and to_availability_zone_id may be
# set to choose it).

# A monthly rehearsal: a test failover into the test networks of the plan, production
# untouched. Changing the trigger runs it again; the previous test VMs are cleaned up first.
resource "nutanixdr_failover" "rehearsal" {
  provider = nutanixdr.france

  recovery_plan_id   = nutanixdr_recovery_plan.canada_to_france.id
  type               = "TEST"
  cleanup_on_destroy = true

  triggers = {
    rehearsal = "2025-06"
  }
}

output "test_vms" {
  value = nutanixdr_failover.rehearsal.recovered_vms
}

# A planned failover, for a migration or a maintenance of canada: declared when needed, e.g.
# behind a variable. Destroying the resource does not fail back: fail back with another
# nutanixdr_failover on canada's provider.
resource "nutanixdr_failover" "planned" {
  count    = var.migrate_to_france ? 1 : 0
  provider = nutanixdr.france

  recovery_plan_id = nutanixdr_recovery_plan.canada_to_france.id
  type             = "PLANNED"

  timeouts = {
    create = "3h"
  }
}

# An unplanned failover with canada down, from the latest recovery point taken at or before
# the failure.
resource "nutanixdr_failover" "disaster" {
  count    = var.canada_lost_at != "" ? 1 : 0
  provider = nutanixdr.france

  recovery_plan_id        = nutanixdr_recovery_plan.canada_to_france.id
  type                    = "UNPLANNED"
  recovery_reference_time = var.canada_lost_at # e.g. "2025-06-01T14:00:00Z"
}

output "data_loss_window" {
  value = one(nutanixdr_failover.disaster[*].data_loss_window)
}

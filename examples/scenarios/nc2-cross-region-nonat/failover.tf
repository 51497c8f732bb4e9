# The failover of the guide: a planned failover, run on Osaka's Prism Central (the recovery
# site), that powers the VMs off in Tokyo, replicates their last state and recovers them in
# Osaka on the overlay subnet, at the same addresses. Declared when needed, behind a variable.
#
# Afterwards, set active_site = "osaka" so that the configuration looks the VMs up where they
# run. The failback is the same plan the other way round, run on Tokyo's Prism Central.
# Destroying these resources only forgets the jobs: it does not move any VM.

resource "nutanixdr_failover" "to_osaka" {
  count    = var.protect && var.failover ? 1 : 0
  provider = nutanixdr.osaka

  recovery_plan_id          = nutanixdr_recovery_plan.tokyo_osaka[0].id
  type                      = "PLANNED"
  from_availability_zone_id = data.nutanixdr_availability_zone.tokyo_from_osaka.id
  to_availability_zone_id   = data.nutanixdr_availability_zone.osaka_local.id
}

resource "nutanixdr_failover" "to_tokyo" {
  count    = var.protect && var.failback ? 1 : 0
  provider = nutanixdr.tokyo

  recovery_plan_id          = nutanixdr_recovery_plan.tokyo_osaka[0].id
  type                      = "PLANNED"
  from_availability_zone_id = nutanixdr_availability_zone.osaka.id
  to_availability_zone_id   = data.nutanixdr_availability_zone.tokyo_local.id

  depends_on = [nutanixdr_failover.to_osaka]
}

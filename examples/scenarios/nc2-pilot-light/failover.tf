# The disaster: onprem is lost. An unplanned failover, run on NC2's Prism Central, recovers
# tier 1 from its replicas on NC2 and tier 2 from the S3 bucket into NC2-PL, each VM from its
# latest recovery point (at or before lost_at). onprem is not touched.
#
# With onprem down, OpenTofu cannot refresh what lives there, so run only this resource:
#
#   tofu apply -refresh=false -target=nutanixdr_failover.disaster -var disaster=true
#
# -target also applies what it depends on (the recovery plan on NC2, e.g. a change of
# tier2_power_on), none of which is on onprem. Destroying the resource only forgets the job:
# it moves no VM back.

resource "nutanixdr_failover" "disaster" {
  count    = var.disaster ? 1 : 0
  provider = nutanixdr.nc2_aws

  recovery_plan_id          = nutanixdr_recovery_plan.pilot_light.id
  type                      = "UNPLANNED"
  from_availability_zone_id = data.nutanixdr_availability_zone.onprem_from_nc2.id
  to_availability_zone_id   = data.nutanixdr_availability_zone.nc2_local.id
  to_cluster_ids            = [data.nutanixdr_cluster.nc2.id]
  recovery_reference_time   = var.lost_at == "" ? null : var.lost_at

  # The VMs get addresses of PC-Net, not their on-premises ones: the job warns about each, and
  # completes (COMPLETED_WITH_WARNING). Errors, such as NC2-PL lacking capacity, fail it.
  timeouts = {
    create = "2h"
  }
}

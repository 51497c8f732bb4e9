# The disaster: onprem is lost. An unplanned failover, run on NC2's Prism Central, recovers
# tier 1 from its replicas on NC2 and tier 2 from the S3 bucket into NC2-PL, each VM from its
# latest recovery point (at or before lost_at). This configuration needs only NC2: it finds
# the recovery plan there by name (the configuration above made it on NC2), has its own state,
# and plans and applies while onprem does not answer:
#
#   tofu -chdir=disaster apply -var-file=../env.json
#
# When onprem is back (without the VMs NC2 now runs), a plain apply of the configuration above
# adopts the VMs' tags in NC2. Destroying this one only forgets the job: it moves no VM back.

provider "nutanixdr" {
  endpoint       = var.pcs["nc2-aws"].endpoint
  port           = var.pcs["nc2-aws"].port
  username       = var.pcs["nc2-aws"].username
  password       = var.pcs["nc2-aws"].password
  ca_certificate = var.pcs["nc2-aws"].ca_file == null ? null : file(var.pcs["nc2-aws"].ca_file)
  insecure       = var.pcs["nc2-aws"].insecure
}

data "nutanixdr_recovery_plan" "pilot_light" {
  name = var.recovery_plan
}

data "nutanixdr_cluster" "nc2" {
  name = var.cluster
}

resource "nutanixdr_failover" "disaster" {
  recovery_plan_id        = data.nutanixdr_recovery_plan.pilot_light.id
  type                    = "UNPLANNED"
  to_cluster_ids          = [data.nutanixdr_cluster.nc2.id]
  recovery_reference_time = var.lost_at == "" ? null : var.lost_at

  # The VMs get addresses of PC-Net, not their on-premises ones: the job warns about each, and
  # completes (COMPLETED_WITH_WARNING). Errors, such as NC2-PL lacking capacity, fail it.
  timeouts = {
    create = "2h"
  }
}

output "failover" {
  description = "The unplanned failover into NC2: its status, how much data was lost, its warnings and the VMs it recovered with their new addresses."
  value = {
    job_id           = nutanixdr_failover.disaster.job_id
    status           = nutanixdr_failover.disaster.status
    data_loss_window = nutanixdr_failover.disaster.data_loss_window
    warnings         = nutanixdr_failover.disaster.warnings
    recovered_vms    = { for vm in nutanixdr_failover.disaster.recovered_vms : vm.name => vm.ip_addresses }
  }
}

# Step 6 of the guide, the protection policies, both owned by the on-premises Prism Central:
# tier 1 to the NC2 cluster every hour, tier 2 to the S3 bucket through the MST store, with
# linear retention (MST keeps at most 36 recovery points).

resource "nutanixdr_protection_policy" "tier1" {
  provider = nutanixdr.onprem

  name        = "${var.category_name}-${local.tier1}"
  description = "Tier 1: to the NC2 pilot-light cluster every ${var.tier1_rpo}."

  category_filter = {
    categories = { (var.category_name) = [nutanixdr_category_value.onprem[local.tier1].value] }
  }

  locations = [
    {
      label                = "onprem"
      availability_zone_id = data.nutanixdr_availability_zone.onprem_local.id
      cluster_ids          = [data.nutanixdr_cluster.onprem.id]
      primary              = true
    },
    {
      # No cluster_ids: NC2's Prism Central places the replicas on its cluster (NC2-PL, the
      # only one). Naming it would give this policy another availability zone order than the
      # tier-2 policy's (whose MST location has no cluster), and a recovery plan recovers VMs
      # of one order only; the plan names NC2-PL as the cluster to recover into.
      label                = "nc2"
      availability_zone_id = nutanixdr_availability_zone.nc2.id
    },
  ]

  replications = [
    {
      from             = "onprem"
      to               = "nc2"
      rpo              = var.tier1_rpo
      local_retention  = { count = var.tier1_retention }
      remote_retention = { count = var.tier1_retention }
    },
  ]

  depends_on = [nutanixdr_vm_categories.onprem]
}

resource "nutanixdr_protection_policy" "tier2" {
  provider = nutanixdr.onprem

  name        = "${var.category_name}-${local.tier2}"
  description = "Tier 2: to S3 bucket ${var.mst.bucket} through MST every ${var.tier2_rpo}."

  category_filter = {
    categories = { (var.category_name) = [nutanixdr_category_value.onprem[local.tier2].value] }
  }

  locations = [
    {
      label                = "onprem"
      availability_zone_id = data.nutanixdr_availability_zone.onprem_local.id
      cluster_ids          = [data.nutanixdr_cluster.onprem.id]
      primary              = true
    },
    {
      # The store lives on NC2's Prism Central: its availability zone, and the store instead
      # of clusters. Never a source, never primary.
      label                = "s3"
      availability_zone_id = nutanixdr_availability_zone.nc2.id
      mst_target_id        = nutanixdr_mst_target.s3.id
    },
  ]

  replications = [
    {
      from             = "onprem"
      to               = "s3"
      rpo              = var.tier2_rpo
      local_retention  = { count = 2 }
      remote_retention = { count = var.tier2_retention }
    },
  ]

  depends_on = [nutanixdr_vm_categories.onprem]
}

# The Leap setup guide's protection policy: the VMs tagged replicated-vm:from-canada are
# snapshotted in Canada every 15 minutes (application-consistent) and replicated to France, four
# points kept on each side; the reverse direction is there for failback. The policy is created
# on Canada, and France sees it too: Prism Central syncs policies to the paired site, with the
# category keys and values they use.

data "nutanixdr_cluster" "canada" {
  provider = nutanixdr.canada
  name     = var.clusters["canada"]
}

data "nutanixdr_cluster" "france" {
  provider = nutanixdr.france
  name     = var.clusters["france"]
}

resource "nutanixdr_protection_policy" "replicated_vm" {
  provider = nutanixdr.canada

  name        = var.category_name
  description = "Canada to France every ${var.rpo}, and back for failback."

  category_filter = {
    match      = "ANY"
    categories = { (nutanixdr_category_value.from_canada.category) = [nutanixdr_category_value.from_canada.value] }
  }

  locations = [
    {
      label                = "canada"
      availability_zone_id = data.nutanixdr_availability_zone.canada_local.id
      cluster_ids          = [data.nutanixdr_cluster.canada.id]
      primary              = var.active_site == "canada"
    },
    {
      label                = "france"
      availability_zone_id = nutanixdr_availability_zone.france.id
      cluster_ids          = [data.nutanixdr_cluster.france.id]
      primary              = var.active_site == "france"
    },
  ]

  replications = [
    {
      from             = "canada"
      to               = "france"
      rpo              = var.rpo
      snapshot_type    = "APPLICATION_CONSISTENT"
      local_retention  = { count = var.retention }
      remote_retention = { count = var.retention }
    },
    {
      from             = "france"
      to               = "canada"
      rpo              = var.rpo
      snapshot_type    = "APPLICATION_CONSISTENT"
      local_retention  = { count = var.retention }
      remote_retention = { count = var.retention }
    },
  ]

  # The category must be on the VMs of France too before they can be selected after a failover.
  depends_on = [nutanixdr_vm_categories.protected, nutanixdr_vm_categories.protected_in_france]
}

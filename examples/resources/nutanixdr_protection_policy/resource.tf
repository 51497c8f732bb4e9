# VMs in replicated-vm:from-canada are snapshotted in Canada every 15 minutes
# (application-consistent) and replicated to France, and back to Canada for failback. The
# policy is created on canada; France sees it too. Disaster recovery must be enabled on both
# Prism Centrals and the two paired (nutanixdr_availability_zone.france).
data "nutanixdr_availability_zone" "local" {
  provider = nutanixdr.canada
  local    = true
}

data "nutanixdr_cluster" "ca" {
  provider = nutanixdr.canada
  name     = "CA01"
}

data "nutanixdr_cluster" "fr" {
  provider = nutanixdr.france
  name     = "FR01"
}

resource "nutanixdr_protection_policy" "canada_to_france" {
  provider = nutanixdr.canada

  name        = "replicated-vm"
  description = "Canada to France every 15 minutes, and back for failback"

  category_filter = {
    match      = "ANY"
    categories = { "replicated-vm" = ["from-canada"] }
  }

  locations = [
    {
      label                = "canada"
      availability_zone_id = data.nutanixdr_availability_zone.local.id
      cluster_ids          = [data.nutanixdr_cluster.ca.id]
      primary              = true
    },
    {
      label                = "france"
      availability_zone_id = nutanixdr_availability_zone.france.id
      cluster_ids          = [data.nutanixdr_cluster.fr.id]
    },
  ]

  replications = [
    {
      from             = "canada"
      to               = "france"
      rpo              = "15m"
      snapshot_type    = "APPLICATION_CONSISTENT"
      local_retention  = { count = 4 }
      remote_retention = { count = 4 }
    },
    {
      from             = "france"
      to               = "canada"
      rpo              = "15m"
      local_retention  = { count = 4 }
      remote_retention = { count = 4 }
    },
    # A second schedule between the same locations: daily points kept for a week in France.
    {
      from             = "canada"
      to               = "france"
      rpo              = "24h"
      local_retention  = { count = 1 }
      remote_retention = { rollup = { multiple = 7, interval = "DAILY" } }
    },
  ]

  timeouts = {
    create = "15m"
    update = "15m"
    delete = "15m"
  }
}

# The VMs the policy covers now.
output "protected_vm_ids" {
  value = nutanixdr_protection_policy.canada_to_france.protected_vm_ids
}

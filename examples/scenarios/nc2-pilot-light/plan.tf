# The recovery plan of the guide: on disaster, tier 1 (from its replicas on NC2) then tier 2
# (from the S3 bucket) are recovered into the pilot-light cluster NC2-PL, on PC-Net.
#
# The plan is owned by NC2's Prism Central, the one that survives the disaster: a plan can only
# be changed on the Prism Central that owns it, and this one may have to change while onprem is
# lost (to recover tier 2 powered off, see tier2_power_on). onprem gets a read-only copy.

resource "nutanixdr_recovery_plan" "pilot_light" {
  provider = nutanixdr.nc2_aws

  name        = "onprem-to-nc2-pilot-light"
  description = "Tier 1 from NC2 replicas, then tier 2 from S3 through MST, into ${var.clusters["nc2-aws"]}."

  primary_location = { availability_zone_id = data.nutanixdr_availability_zone.onprem_from_nc2.id }
  recovery_location = {
    availability_zone_id = data.nutanixdr_availability_zone.nc2_local.id
    # Recovery from S3 has no cluster of its own: name the cluster to recover into (the
    # guide's "+ Add Target Clusters").
    cluster_ids = [data.nutanixdr_cluster.nc2.id]
  }

  stages = [
    {
      # Tier 1 first: the short-RTO applications.
      entities = [{
        categories = { (var.category_name) = nutanixdr_category_value.nc2[local.tier1].value }
        power_on   = true
      }]
    },
    {
      entities = [{
        categories = { (var.category_name) = nutanixdr_category_value.nc2[local.tier2].value }
        power_on   = var.tier2_power_on
      }]
    },
  ]

  network_mappings = [
    {
      primary = {
        production = {
          subnet_name   = var.networks["onprem"].name
          gateway_ip    = var.networks["onprem"].gateway_ip
          prefix_length = var.networks["onprem"].prefix_length
        }
      }
      recovery = {
        production = {
          subnet_name   = var.networks["nc2-aws"].name
          gateway_ip    = var.networks["nc2-aws"].gateway_ip
          prefix_length = var.networks["nc2-aws"].prefix_length
        }
      }
    },
  ]

  # No depends_on on the policies: they are onprem's, and so are the data sources they depend
  # on, which OpenTofu reads even with -refresh=false. The failover depends on this plan, and
  # must depend on nothing of onprem's that OpenTofu would read while onprem is down. The plan
  # may thus be created before the VMs are protected: what Prism Central reports about it
  # (the validation attribute) is read again at every refresh.
}

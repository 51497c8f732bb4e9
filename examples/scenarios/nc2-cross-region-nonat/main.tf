# Disaster recovery from Tokyo to Osaka: both sites ready and paired, the category that selects
# the protected VMs, the protection policy and the recovery plan whose network mapping names the
# overlay subnet of the VPC on each side, so that the VMs keep their addresses.

# Disaster recovery is usually enabled already on NC2 Prism Centrals: this adopts it (there is
# one service per Prism Central, and the API has no disable).
resource "nutanixdr_disaster_recovery" "tokyo" {
  provider = nutanixdr.tokyo
}

resource "nutanixdr_disaster_recovery" "osaka" {
  provider = nutanixdr.osaka
}

locals {
  # How each Prism Central is known to the other: its advertised address when set (prismsim's
  # env.json has it; on real Prism Centrals leave it out and the endpoint is used).
  address = {
    tokyo = nonsensitive(coalesce(var.pcs["tokyo"].advertised_ip, var.pcs["tokyo"].endpoint))
    osaka = nonsensitive(coalesce(var.pcs["osaka"].advertised_ip, var.pcs["osaka"].endpoint))
  }
}

# Pair Tokyo with Osaka (the guide's "link the Prism Centrals"). One pairing connects both sides.
resource "nutanixdr_availability_zone" "osaka" {
  provider = nutanixdr.tokyo

  remote_address = local.address["osaka"]
  username       = nonsensitive(var.pcs["osaka"].username)
  # Write-only: sent when pairing, never kept in the plan or the state.
  password = var.pcs["osaka"].password

  depends_on = [nutanixdr_disaster_recovery.tokyo, nutanixdr_disaster_recovery.osaka]
}

data "nutanixdr_availability_zone" "tokyo_local" {
  provider = nutanixdr.tokyo
  local    = true

  depends_on = [nutanixdr_disaster_recovery.tokyo]
}

data "nutanixdr_availability_zone" "osaka_local" {
  provider = nutanixdr.osaka
  local    = true

  depends_on = [nutanixdr_disaster_recovery.osaka]
}

# Osaka sees Tokyo as PC_<Tokyo's address> once the pairing exists.
data "nutanixdr_availability_zone" "tokyo_from_osaka" {
  provider = nutanixdr.osaka
  name     = "PC_${local.address["tokyo"]}"

  depends_on = [nutanixdr_availability_zone.osaka]
}

# The category, created in Tokyo: the policy selects the VMs by it there. Osaka receives it with
# the policy and the plan (entity sync between paired availability zones), so the VMs keep it
# when they are recovered in Osaka.
resource "nutanixdr_category" "tokyo" {
  provider = nutanixdr.tokyo

  name        = var.category_name
  description = "VMs protected across AWS regions."
}

resource "nutanixdr_category_value" "tokyo" {
  provider = nutanixdr.tokyo

  category    = nutanixdr_category.tokyo.name
  value       = var.category_value
  description = "Replicated from Tokyo to Osaka, keeping their addresses."
}

# The protected VMs, looked up by name and tagged on the site they run on (active_site). After
# a failover, set active_site = "osaka": the configuration follows the VMs.
data "nutanixdr_vm" "tokyo" {
  for_each = var.active_site == "tokyo" ? var.protected_vms : toset([])
  provider = nutanixdr.tokyo

  name = each.key
}

data "nutanixdr_vm" "osaka" {
  for_each = var.active_site == "osaka" ? var.protected_vms : toset([])
  provider = nutanixdr.osaka

  name = each.key
}

resource "nutanixdr_vm_categories" "tokyo" {
  for_each = data.nutanixdr_vm.tokyo
  provider = nutanixdr.tokyo

  vm_id      = each.value.id
  categories = { (nutanixdr_category_value.tokyo.category) = nutanixdr_category_value.tokyo.value }
}

resource "nutanixdr_vm_categories" "osaka" {
  for_each = data.nutanixdr_vm.osaka
  provider = nutanixdr.osaka

  vm_id      = each.value.id
  categories = { (nutanixdr_category_value.tokyo.category) = nutanixdr_category_value.tokyo.value }
}

# The protection policy: the tagged VMs are snapshotted every rpo and replicated to the other
# region, retention points kept on each side; the reverse direction is there for failback.
resource "nutanixdr_protection_policy" "tokyo_osaka" {
  count    = var.protect ? 1 : 0
  provider = nutanixdr.tokyo

  name        = "${var.category_name}-${var.category_value}"
  description = "Tokyo to Osaka every ${var.rpo}, and back for failback."

  category_filter = {
    match      = "ANY"
    categories = { (nutanixdr_category_value.tokyo.category) = [nutanixdr_category_value.tokyo.value] }
  }

  locations = [
    {
      label                = "tokyo"
      availability_zone_id = data.nutanixdr_availability_zone.tokyo_local.id
      cluster_ids          = [data.nutanixdr_cluster.tokyo.id]
      primary              = var.active_site == "tokyo"
    },
    {
      label                = "osaka"
      availability_zone_id = nutanixdr_availability_zone.osaka.id
      cluster_ids          = [data.nutanixdr_cluster.osaka.id]
      primary              = var.active_site == "osaka"
    },
  ]

  replications = [
    {
      from             = "tokyo"
      to               = "osaka"
      rpo              = var.rpo
      snapshot_type    = "CRASH_CONSISTENT"
      local_retention  = { count = var.retention }
      remote_retention = { count = var.retention }
    },
    {
      from             = "osaka"
      to               = "tokyo"
      rpo              = var.rpo
      snapshot_type    = "CRASH_CONSISTENT"
      local_retention  = { count = var.retention }
      remote_retention = { count = var.retention }
    },
  ]

  depends_on = [
    nutanixdr_vm_categories.tokyo,
    nutanixdr_vm_categories.osaka,
  ]
}

# The recovery plan: a failover to Osaka recovers the tagged VMs, powered on, into the overlay
# subnet of Osaka's VPC. Both sides of the mapping are the overlay subnet of the VPC (vpc_id +
# subnet_name), with the same network: each VM keeps its address. The same plan fails back.
resource "nutanixdr_recovery_plan" "tokyo_osaka" {
  count    = var.protect ? 1 : 0
  provider = nutanixdr.tokyo

  name        = "${var.category_name}-${var.category_value}"
  description = "Recovers the ${var.category_name}:${var.category_value} VMs in Osaka, keeping their addresses."

  primary_location  = { availability_zone_id = data.nutanixdr_availability_zone.tokyo_local.id }
  recovery_location = { availability_zone_id = nutanixdr_availability_zone.osaka.id }

  stages = [
    {
      entities = [{
        categories = { (nutanixdr_category_value.tokyo.category) = nutanixdr_category_value.tokyo.value }
        power_on   = true
      }]
    },
  ]

  network_mappings = [
    {
      primary = {
        production = {
          vpc_id        = nutanixdr_vpc.tokyo.id
          subnet_name   = nutanixdr_subnet.tokyo_overlay.name
          gateway_ip    = var.overlay_subnet.gateway_ip
          prefix_length = tonumber(split("/", var.overlay_subnet.cidr)[1])
        }
      }
      recovery = {
        production = {
          vpc_id        = nutanixdr_vpc.osaka.id
          subnet_name   = nutanixdr_subnet.osaka_overlay.name
          gateway_ip    = var.overlay_subnet.gateway_ip
          prefix_length = tonumber(split("/", var.overlay_subnet.cidr)[1])
        }
      }
    },
  ]

  depends_on = [nutanixdr_protection_policy.tokyo_osaka]
}

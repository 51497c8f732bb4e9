# A small DR module: Canada replicates the VMs tagged dr:protected to France every hour, and a
# recovery plan brings them up in France, in the production network for a real failover and in
# the test network for a test failover. Disaster recovery is already enabled on both Prism
# Centrals (tests/world.yaml says dr_enabled: true).

provider "nutanixdr" {
  alias = "canada"

  endpoint       = var.pcs["canada"].endpoint
  port           = var.pcs["canada"].port
  username       = var.pcs["canada"].username
  password       = var.pcs["canada"].password
  ca_certificate = var.pcs["canada"].ca_file == null ? null : file(var.pcs["canada"].ca_file)
  insecure       = var.pcs["canada"].insecure
}

provider "nutanixdr" {
  alias = "france"

  endpoint       = var.pcs["france"].endpoint
  port           = var.pcs["france"].port
  username       = var.pcs["france"].username
  password       = var.pcs["france"].password
  ca_certificate = var.pcs["france"].ca_file == null ? null : file(var.pcs["france"].ca_file)
  insecure       = var.pcs["france"].insecure
}

locals {
  # How each Prism Central is known to the other: its advertised address (prismsim's env.json
  # has it; for real Prism Centrals leave it out and the endpoint is used).
  address = {
    canada = nonsensitive(coalesce(var.pcs["canada"].advertised_ip, var.pcs["canada"].endpoint))
    france = nonsensitive(coalesce(var.pcs["france"].advertised_ip, var.pcs["france"].endpoint))
  }
  networks = {
    production = { subnet_name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }
    test       = { subnet_name = "vlan51-test", gateway_ip = "192.168.51.1", prefix_length = 25 }
  }
}

# Pair Canada with France: each side then sees the other as PC_<address>.
resource "nutanixdr_availability_zone" "france" {
  provider = nutanixdr.canada

  remote_address = local.address["france"]
  username       = nonsensitive(var.pcs["france"].username)
  password       = var.pcs["france"].password
}

data "nutanixdr_availability_zone" "canada_local" {
  provider = nutanixdr.canada
  local    = true
}

data "nutanixdr_availability_zone" "france_local" {
  provider = nutanixdr.france
  local    = true
}

data "nutanixdr_availability_zone" "canada_from_france" {
  provider = nutanixdr.france
  name     = "PC_${local.address["canada"]}"

  depends_on = [nutanixdr_availability_zone.france]
}

# The category that selects the protected VMs, on both sites: the VMs keep it when they recover.
resource "nutanixdr_category" "dr_canada" {
  provider = nutanixdr.canada

  name        = "dr"
  description = "Disaster recovery scope."
}

resource "nutanixdr_category_value" "protected_canada" {
  provider = nutanixdr.canada

  category = nutanixdr_category.dr_canada.name
  value    = "protected"
}

resource "nutanixdr_category" "dr_france" {
  provider = nutanixdr.france

  name        = "dr"
  description = "Disaster recovery scope."
}

resource "nutanixdr_category_value" "protected_france" {
  provider = nutanixdr.france

  category = nutanixdr_category.dr_france.name
  value    = "protected"
}

# Tag the protected VMs; their other categories are left alone.
data "nutanixdr_vm" "protected" {
  for_each = var.protected_vms
  provider = nutanixdr.canada

  name = each.key
}

resource "nutanixdr_vm_categories" "protected" {
  for_each = data.nutanixdr_vm.protected
  provider = nutanixdr.canada

  vm_id      = each.value.id
  categories = { (nutanixdr_category_value.protected_canada.category) = nutanixdr_category_value.protected_canada.value }
}

data "nutanixdr_cluster" "canada" {
  provider = nutanixdr.canada
  name     = "CA01"
}

data "nutanixdr_cluster" "france" {
  provider = nutanixdr.france
  name     = "FR01"
}

# Every hour, Canada snapshots the tagged VMs and replicates them to France; two points kept.
resource "nutanixdr_protection_policy" "protected" {
  provider = nutanixdr.canada

  name = "dr-protected"
  category_filter = {
    match      = "ANY"
    categories = { (nutanixdr_category_value.protected_canada.category) = [nutanixdr_category_value.protected_canada.value] }
  }
  locations = [
    {
      label                = "canada"
      availability_zone_id = data.nutanixdr_availability_zone.canada_local.id
      cluster_ids          = [data.nutanixdr_cluster.canada.id]
      primary              = true
    },
    {
      label                = "france"
      availability_zone_id = nutanixdr_availability_zone.france.id
      cluster_ids          = [data.nutanixdr_cluster.france.id]
    },
  ]
  replications = [{
    from             = "canada"
    to               = "france"
    rpo              = "1h"
    local_retention  = { count = 2 }
    remote_retention = { count = 2 }
  }]

  # The VMs carry the category, and France knows it, before the first recovery point.
  depends_on = [nutanixdr_vm_categories.protected, nutanixdr_category_value.protected_france]
}

# The recovery plan, created on France so that a failover needs only France.
resource "nutanixdr_recovery_plan" "protected" {
  provider = nutanixdr.france

  name              = "dr-protected-to-france"
  primary_location  = { availability_zone_id = data.nutanixdr_availability_zone.canada_from_france.id }
  recovery_location = { availability_zone_id = data.nutanixdr_availability_zone.france_local.id }
  stages = [{
    entities = [{
      categories = { (nutanixdr_category_value.protected_france.category) = nutanixdr_category_value.protected_france.value }
      power_on   = true
    }]
  }]
  network_mappings = [{ primary = local.networks, recovery = local.networks }]

  depends_on = [nutanixdr_protection_policy.protected]
}

# A test failover to France, when asked: destroying it (test_failover = false) cleans the test
# copies up.
resource "nutanixdr_failover" "test" {
  count    = var.test_failover ? 1 : 0
  provider = nutanixdr.france

  recovery_plan_id          = nutanixdr_recovery_plan.protected.id
  type                      = "TEST"
  from_availability_zone_id = data.nutanixdr_availability_zone.canada_from_france.id
  to_availability_zone_id   = data.nutanixdr_availability_zone.france_local.id
  cleanup_on_destroy        = true
}

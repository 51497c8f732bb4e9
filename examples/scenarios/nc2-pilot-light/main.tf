# The pilot-light topology: the on-premises Prism Central paired with the one of NC2 on AWS,
# the tier categories on both sides, and the VMs of each tier tagged on premises.

# Disaster recovery is enabled already on NC2 (and here on premises too): this adopts it. There
# is one service per Prism Central, and the API has no disable.
resource "nutanixdr_disaster_recovery" "onprem" {
  provider = nutanixdr.onprem
}

resource "nutanixdr_disaster_recovery" "nc2" {
  provider = nutanixdr.nc2_aws
}

locals {
  # How each Prism Central is known to the other: its advertised address when set (prismsim's
  # env.json has it; on real Prism Centrals leave it out and the endpoint is used).
  address = {
    onprem    = nonsensitive(coalesce(var.pcs["onprem"].advertised_ip, var.pcs["onprem"].endpoint))
    "nc2-aws" = nonsensitive(coalesce(var.pcs["nc2-aws"].advertised_ip, var.pcs["nc2-aws"].endpoint))
  }

  tier1 = "nc2" # dr-tier:nc2, replicated to the NC2 cluster
  tier2 = "s3"  # dr-tier:s3, replicated to S3 through MST
}

# Step 5 of the guide: link the on-premises Prism Central with NC2's. One pairing connects both.
resource "nutanixdr_availability_zone" "nc2" {
  provider = nutanixdr.onprem

  remote_address = local.address["nc2-aws"]
  username       = nonsensitive(var.pcs["nc2-aws"].username)
  # Write-only: sent when pairing, never kept in the plan or the state.
  password = var.pcs["nc2-aws"].password

  depends_on = [nutanixdr_disaster_recovery.onprem, nutanixdr_disaster_recovery.nc2]
}

data "nutanixdr_availability_zone" "onprem_local" {
  provider = nutanixdr.onprem
  local    = true

  depends_on = [nutanixdr_disaster_recovery.onprem]
}

data "nutanixdr_availability_zone" "nc2_local" {
  provider = nutanixdr.nc2_aws
  local    = true

  depends_on = [nutanixdr_disaster_recovery.nc2]
}

# NC2 sees the on-premises Prism Central as PC_<its address> once the pairing exists.
data "nutanixdr_availability_zone" "onprem_from_nc2" {
  provider = nutanixdr.nc2_aws
  name     = "PC_${local.address["onprem"]}"

  depends_on = [nutanixdr_availability_zone.nc2]
}

data "nutanixdr_cluster" "onprem" {
  provider = nutanixdr.onprem
  name     = var.clusters["onprem"]
}

data "nutanixdr_cluster" "nc2" {
  provider = nutanixdr.nc2_aws
  name     = var.clusters["nc2-aws"]
}

# The two categories of the guide, dr-tier:nc2 and dr-tier:s3, created on premises, where the
# guide creates them: the policies select the VMs by them. NC2's Prism Central receives them with
# the policies (entity sync between paired availability zones), so the recovery plan it owns
# selects them there and the VMs keep them when they are recovered in NC2.
resource "nutanixdr_category" "onprem" {
  provider = nutanixdr.onprem

  name        = var.category_name
  description = "Disaster recovery tier: where the VM is replicated to."
}

resource "nutanixdr_category_value" "onprem" {
  for_each = {
    (local.tier1) = "Tier 1: replicated to the NC2 pilot-light cluster (short RPO and RTO)."
    (local.tier2) = "Tier 2: replicated to S3 through MST, recovered into NC2 on disaster."
  }
  provider = nutanixdr.onprem

  category    = nutanixdr_category.onprem.name
  value       = each.key
  description = each.value
}

# The VMs of each tier, looked up on both sites and tagged where they run: on premises, and in
# NC2 after the disaster's failover (which keeps their uuids and categories). A lookup that does
# not find a VM (it runs on the other site) is no error.
locals {
  tier_vms = merge(
    { for name in var.tier1_vms : name => local.tier1 },
    { for name in var.tier2_vms : name => local.tier2 },
  )
}

data "nutanixdr_vm" "onprem" {
  for_each = local.tier_vms
  provider = nutanixdr.onprem

  name          = each.key
  allow_missing = true
}

data "nutanixdr_vm" "nc2" {
  for_each = local.tier_vms
  provider = nutanixdr.nc2_aws

  name          = each.key
  allow_missing = true
}

resource "nutanixdr_vm_categories" "onprem" {
  for_each = { for name, vm in data.nutanixdr_vm.onprem : name => vm.id if vm.found }
  provider = nutanixdr.onprem

  vm_id      = each.value
  categories = { (var.category_name) = nutanixdr_category_value.onprem[local.tier_vms[each.key]].value }
}

resource "nutanixdr_vm_categories" "nc2" {
  for_each = { for name, vm in data.nutanixdr_vm.nc2 : name => vm.id if vm.found }
  provider = nutanixdr.nc2_aws

  vm_id      = each.value
  categories = { (var.category_name) = nutanixdr_category_value.onprem[local.tier_vms[each.key]].value }
}

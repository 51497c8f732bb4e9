# Enable disaster recovery (Leap) on both Prism Centrals, then connect them: each gets a Local
# availability zone, and each sees the other as a paired one. These are the first two steps of
# the Leap setup guide ("Enable Leap", "Connect to Availability Zone").

resource "nutanixdr_disaster_recovery" "canada" {
  provider = nutanixdr.canada
}

resource "nutanixdr_disaster_recovery" "france" {
  provider = nutanixdr.france
}

locals {
  # How each Prism Central is known to the other: its advertised address when set (prismsim's
  # env.json has it; on real Prism Centrals leave it out and the endpoint is used).
  address = {
    canada = nonsensitive(coalesce(var.pcs["canada"].advertised_ip, var.pcs["canada"].endpoint))
    france = nonsensitive(coalesce(var.pcs["france"].advertised_ip, var.pcs["france"].endpoint))
  }
}

# Pair Canada with France. One pairing connects both sides.
resource "nutanixdr_availability_zone" "france" {
  provider = nutanixdr.canada

  remote_address = local.address["france"]
  username       = nonsensitive(var.pcs["france"].username)
  # Write-only: sent when pairing, never kept in the plan or the state.
  password = var.pcs["france"].password

  depends_on = [
    nutanixdr_disaster_recovery.canada,
    nutanixdr_disaster_recovery.france,
  ]
}

# Each side's view of the availability zones.
data "nutanixdr_availability_zone" "canada_local" {
  provider = nutanixdr.canada
  local    = true

  depends_on = [nutanixdr_disaster_recovery.canada]
}

data "nutanixdr_availability_zone" "france_local" {
  provider = nutanixdr.france
  local    = true

  depends_on = [nutanixdr_disaster_recovery.france]
}

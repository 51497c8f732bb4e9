# This Prism Central's own availability zone (disaster recovery must be enabled).
data "nutanixdr_availability_zone" "canada_local" {
  provider = nutanixdr.canada
  local    = true

  depends_on = [nutanixdr_disaster_recovery.canada]
}

# The paired Prism Central, as seen from canada, by name.
data "nutanixdr_availability_zone" "france" {
  provider = nutanixdr.canada
  name     = nutanixdr_availability_zone.france.name
}

# The pairing seen from the other side: france names canada after its address.
data "nutanixdr_availability_zone" "canada_from_france" {
  provider = nutanixdr.france
  name     = "PC_192.168.10.10"

  depends_on = [nutanixdr_availability_zone.france]
}

output "france_reachable" {
  value = data.nutanixdr_availability_zone.france.reachable
}

# Pair Prism Central canada with Prism Central france. One resource pairs both sides: france then
# sees canada as an availability zone too. Disaster recovery must be enabled on both first.
resource "nutanixdr_availability_zone" "france" {
  provider = nutanixdr.canada

  remote_address = "192.168.0.10"
  username       = "admin"
  # Write-only: sent when pairing, never stored in the plan or the state.
  password = var.france_password

  depends_on = [
    nutanixdr_disaster_recovery.canada,
    nutanixdr_disaster_recovery.france,
  ]

  timeouts = {
    create = "15m"
    delete = "15m"
  }
}

# Protection policies and recovery plans reference the id.
output "france_availability_zone_id" {
  value = nutanixdr_availability_zone.france.id # e.g. name "PC_192.168.0.10"
}

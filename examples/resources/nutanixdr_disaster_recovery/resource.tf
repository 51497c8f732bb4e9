# Enable disaster recovery (Leap) on each Prism Central: one resource per provider alias.
resource "nutanixdr_disaster_recovery" "canada" {
  provider = nutanixdr.canada

  timeouts = {
    create = "30m"
  }
}

resource "nutanixdr_disaster_recovery" "france" {
  provider = nutanixdr.france
}

output "canada_local_availability_zone" {
  value = nutanixdr_disaster_recovery.canada.local_availability_zone_id
}

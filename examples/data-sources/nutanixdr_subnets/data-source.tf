data "nutanixdr_subnets" "vlans" {
  name_regex  = "^vlan"
  subnet_type = "VLAN"
}

output "vlan_subnets" {
  value = { for s in data.nutanixdr_subnets.vlans.subnets : s.name => s.cidr }
}

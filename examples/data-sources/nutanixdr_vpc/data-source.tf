data "nutanixdr_vpc" "dr" {
  name = "dr-vpc"
}

output "dr_vpc_prefixes" {
  value = data.nutanixdr_vpc.dr.externally_routable_prefixes
}

# The no-NAT pattern of the NC2 cross-region guide, on the Tokyo side: an external VLAN
# subnet without NAT, a VPC whose 172.30.0.0/16 is routed as it is, and an overlay subnet
# inside it. Declared the same way in Osaka, the VMs of 172.30.1.0/24 keep their addresses
# when they are recovered there.
data "nutanixdr_cluster" "tokyo" {
  name = "NC2-TYO"
}

# The uplink. enable_nat = false is sent to Prism Central as it is: the VPCs attached to this
# subnet are reachable at their own addresses.
resource "nutanixdr_subnet" "external" {
  name        = "tyo-external-nonat"
  type        = "VLAN"
  cluster_id  = data.nutanixdr_cluster.tokyo.id
  vlan_id     = 100
  is_external = true
  enable_nat  = false

  ip_config = {
    cidr       = "10.10.100.0/24"
    gateway_ip = "10.10.100.1"
    pools      = [{ start = "10.10.100.50", end = "10.10.100.99" }]
  }
}

resource "nutanixdr_vpc" "a" {
  name                         = "vpc-a"
  external_subnet_ids          = [nutanixdr_subnet.external.id]
  externally_routable_prefixes = ["172.30.0.0/16"]
}

resource "nutanixdr_vpc_route_table" "a" {
  vpc_id                           = nutanixdr_vpc.a.id
  default_route_external_subnet_id = nutanixdr_subnet.external.id
}

# The overlay subnet of the VMs; it must lie inside one of the VPC's externally routable
# prefixes, since the VPC's uplink does no NAT.
resource "nutanixdr_subnet" "overlay" {
  name   = "vpc-a-172-30-1"
  type   = "OVERLAY"
  vpc_id = nutanixdr_vpc.a.id

  ip_config = {
    cidr       = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
    pools      = [{ start = "172.30.1.100", end = "172.30.1.200" }]
    dhcp = {
      dns_servers = ["10.10.0.53"]
      domain_name = "tokyo.example.com"
    }
  }
}

data "nutanixdr_cluster" "tokyo" {
  name = "NC2-TYO"
}

# The no-NAT uplink of the VPC.
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
  }
}

# 172.30.0.0/16 is routed without NAT through the uplink: declare the same prefix in the VPC
# of the recovery region so that recovered VMs keep their addresses.
resource "nutanixdr_vpc" "a" {
  name                         = "vpc-a"
  description                  = "Workloads protected to Osaka"
  external_subnet_ids          = [nutanixdr_subnet.external.id]
  externally_routable_prefixes = ["172.30.0.0/16"]
  dns_servers                  = ["10.10.0.53"]
}

resource "nutanixdr_vpc_route_table" "a" {
  vpc_id                           = nutanixdr_vpc.a.id
  default_route_external_subnet_id = nutanixdr_subnet.external.id
}

resource "nutanixdr_subnet" "overlay" {
  name   = "vpc-a-172-30-1"
  type   = "OVERLAY"
  vpc_id = nutanixdr_vpc.a.id

  ip_config = {
    cidr       = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
  }
}

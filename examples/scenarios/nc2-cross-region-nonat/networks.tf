# The guide's networking, the same on both sides: an external VLAN subnet without NAT (the
# uplink), a VPC whose 172.30.0.0/16 is routed as it is through that uplink, its default route,
# and the overlay subnet 172.30.1.0/24 of the VMs. Because the overlay subnet has the same name
# and network in Tokyo and in Osaka, a VM recovered in Osaka keeps its address, and the routes
# outside NC2 (the transit gateways of the guide) only have to point 172.30.1.0/24 at the
# region that runs it.

data "nutanixdr_cluster" "tokyo" {
  provider = nutanixdr.tokyo
  name     = var.clusters["tokyo"]
}

data "nutanixdr_cluster" "osaka" {
  provider = nutanixdr.osaka
  name     = var.clusters["osaka"]
}

# Tokyo.

resource "nutanixdr_subnet" "tokyo_external" {
  provider = nutanixdr.tokyo

  name        = var.external_subnets["tokyo"].name
  description = "No-NAT uplink of ${var.vpc_name}."
  type        = "VLAN"
  cluster_id  = data.nutanixdr_cluster.tokyo.id
  vlan_id     = var.external_subnets["tokyo"].vlan_id
  is_external = true
  # Sent as it is: the VPC's prefixes are reachable at their own addresses.
  enable_nat = false

  ip_config = {
    cidr       = var.external_subnets["tokyo"].cidr
    gateway_ip = var.external_subnets["tokyo"].gateway_ip
  }
}

resource "nutanixdr_vpc" "tokyo" {
  provider = nutanixdr.tokyo

  name                         = var.vpc_name
  description                  = "Workloads protected to Osaka."
  external_subnet_ids          = [nutanixdr_subnet.tokyo_external.id]
  externally_routable_prefixes = [var.routable_prefix]
}

resource "nutanixdr_vpc_route_table" "tokyo" {
  provider = nutanixdr.tokyo

  vpc_id                           = nutanixdr_vpc.tokyo.id
  default_route_external_subnet_id = nutanixdr_subnet.tokyo_external.id
}

resource "nutanixdr_subnet" "tokyo_overlay" {
  provider = nutanixdr.tokyo

  name   = var.overlay_subnet.name
  type   = "OVERLAY"
  vpc_id = nutanixdr_vpc.tokyo.id

  ip_config = {
    cidr       = var.overlay_subnet.cidr
    gateway_ip = var.overlay_subnet.gateway_ip
    pools      = [{ start = var.overlay_subnet.pool_start, end = var.overlay_subnet.pool_end }]
  }
}

# Osaka: the same topology.

resource "nutanixdr_subnet" "osaka_external" {
  provider = nutanixdr.osaka

  name        = var.external_subnets["osaka"].name
  description = "No-NAT uplink of ${var.vpc_name}."
  type        = "VLAN"
  cluster_id  = data.nutanixdr_cluster.osaka.id
  vlan_id     = var.external_subnets["osaka"].vlan_id
  is_external = true
  enable_nat  = false

  ip_config = {
    cidr       = var.external_subnets["osaka"].cidr
    gateway_ip = var.external_subnets["osaka"].gateway_ip
  }
}

resource "nutanixdr_vpc" "osaka" {
  provider = nutanixdr.osaka

  name                         = var.vpc_name
  description                  = "Recovery of the workloads of Tokyo."
  external_subnet_ids          = [nutanixdr_subnet.osaka_external.id]
  externally_routable_prefixes = [var.routable_prefix]
}

resource "nutanixdr_vpc_route_table" "osaka" {
  provider = nutanixdr.osaka

  vpc_id                           = nutanixdr_vpc.osaka.id
  default_route_external_subnet_id = nutanixdr_subnet.osaka_external.id
}

resource "nutanixdr_subnet" "osaka_overlay" {
  provider = nutanixdr.osaka

  name   = var.overlay_subnet.name
  type   = "OVERLAY"
  vpc_id = nutanixdr_vpc.osaka.id

  ip_config = {
    cidr       = var.overlay_subnet.cidr
    gateway_ip = var.overlay_subnet.gateway_ip
    pools      = [{ start = var.overlay_subnet.pool_start, end = var.overlay_subnet.pool_end }]
  }
}

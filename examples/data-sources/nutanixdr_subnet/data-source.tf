data "nutanixdr_cluster" "ca" {
  name = "CA01"
}

data "nutanixdr_subnet" "prod" {
  name = "vlan50-prod"
  # Optional: only needed when several clusters have a subnet of this name.
  cluster_id = data.nutanixdr_cluster.ca.id
}

output "prod_network" {
  value = "${data.nutanixdr_subnet.prod.cidr} via ${data.nutanixdr_subnet.prod.gateway_ip} (VLAN ${data.nutanixdr_subnet.prod.vlan_id})"
}

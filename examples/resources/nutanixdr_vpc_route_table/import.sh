# Imported by the UUID of its VPC.
tofu import nutanixdr_vpc_route_table.a 7a2e4c6d-1b3f-4e5a-9c8d-0f1e2d3c4b5a

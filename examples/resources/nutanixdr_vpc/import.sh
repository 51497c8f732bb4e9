# Imported by VPC UUID.
tofu import nutanixdr_vpc.a 7a2e4c6d-1b3f-4e5a-9c8d-0f1e2d3c4b5a

# A pairing is imported by the UUID of this Prism Central's availability zone of the remote one
# (data source nutanixdr_availability_zone, name = "PC_<remote address>"). The API does not return
# the remote user name: the first apply after the import stores the configured one.
tofu import nutanixdr_availability_zone.france 8c3e1f5a-2b4d-4c6e-9f01-23456789abcd

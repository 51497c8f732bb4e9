resource "nutanixdr_category" "replicated_vm" {
  name        = "replicated-vm"
  description = "VMs replicated by the Leap protection policies"
}

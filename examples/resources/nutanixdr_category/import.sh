# A category key is imported by its name.
tofu import nutanixdr_category.replicated_vm replicated-vm

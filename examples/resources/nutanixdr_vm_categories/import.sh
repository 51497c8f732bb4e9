# Imported by VM UUID; the import takes every non-system category of the VM.
tofu import nutanixdr_vm_categories.app 5b0e1e59-4a0f-4f8e-9a4b-2d0c1f7e6a11

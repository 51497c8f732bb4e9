terraform {
  # Write-only arguments (the SSH password and the bucket keys of nutanixdr_mst_target) need
  # OpenTofu 1.11 or Terraform 1.11 and later.
  required_version = ">= 1.11"

  required_providers {
    nutanixdr = {
      source = "nutanixdr/nutanixdr"
    }
  }
}

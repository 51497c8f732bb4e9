# Deploy MST on the Prism Central of NC2 on AWS (provider alias nc2), so that protection policies
# can keep recovery points in an S3 bucket: what the NC2 pilot-light guide does by hand with
# `clustermgmt-cli mst deploy` on the Prism Central VM. The bucket and its IAM user must exist.
variable "pc_ssh_password" {
  type      = string
  sensitive = true
}

variable "mst_access_key_id" {
  type      = string
  sensitive = true
}

variable "mst_secret_access_key" {
  type      = string
  sensitive = true
}

resource "nutanixdr_mst_target" "s3" {
  provider = nutanixdr.nc2

  ssh = {
    host = "10.110.33.10" # the Prism Central VM
    # user defaults to "nutanix", port to 22.
    # Write-only: used when deploying, never stored.
    password = var.pc_ssh_password
    # Or a key file, which destroy can use too to remove MST (the path is stored, the key is not):
    # private_key_file = pathexpand("~/.ssh/nc2-pc")
    host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIONX9H8tDramHm5VZ7WYq8oCsGgLAhyFyKcxfro/OId9"
  }

  bucket       = "nutanix-clusters-pilotlight-jwr"
  region       = "ap-northeast-1"
  bucket_type  = "aws"
  network_name = "PC-Net"
  # Three free addresses of PC-Net, above its DHCP pool (shrunk to end at .200).
  ip_addresses = ["10.110.33.201", "10.110.33.202", "10.110.33.203"]

  # Write-only: typed at the CLI's prompts, never on its command line, in logs, the plan or the state.
  access_key_id     = var.mst_access_key_id
  secret_access_key = var.mst_secret_access_key

  timeouts = {
    create = "60m"
  }
}

# A protection policy keeps tier-2 recovery points in the bucket through the store.
output "mst_target_id" {
  value = nutanixdr_mst_target.s3.id # mst_target_id of nutanixdr_protection_policy
}

# Step 4 of the guide: MST (Multicloud Snapshot Technology) on NC2's Prism Central, so that the
# tier-2 policy can keep its recovery points in the S3 bucket. No API deploys MST: the resource
# logs in to the Prism Central VM over SSH as nutanix and runs
#
#   clustermgmt-cli mst deploy -b <bucket> -r <region> -i <ip1>,<ip2>,<ip3> -s PC-Net -t aws
#
# typing the bucket's access key and secret key at its prompts. The bucket and its IAM user
# must exist first (aws-s3-bucket.tf.example shows them for the AWS provider).
#
# Destroy: with the write-only ssh.password, no credential is left at destroy time, so
# destroying only removes the store from the state, with a warning giving the command to run
# on the Prism Central VM (clustermgmt-cli mst remove -b <bucket>). Set ssh.private_key_file
# instead (a key authorized for nutanix) to let destroy remove MST itself.

locals {
  nc2_ssh = var.pcs["nc2-aws"].ssh
}

resource "nutanixdr_mst_target" "s3" {
  provider = nutanixdr.nc2_aws

  ssh = {
    host = nonsensitive(local.nc2_ssh.host)
    port = nonsensitive(local.nc2_ssh.port)
    user = nonsensitive(local.nc2_ssh.user)
    # Write-only: used when deploying, never stored.
    password = local.nc2_ssh.password
    # Pinned: the deployment types the bucket's keys into this session.
    host_key = nonsensitive(local.nc2_ssh.host_key)
  }

  bucket       = var.mst.bucket
  region       = var.mst.region
  bucket_type  = var.mst.bucket_type
  network_name = var.mst.network_name
  ip_addresses = var.mst.ip_addresses

  # Write-only: typed at the CLI's prompts, never on its command line, in logs, the plan or the state.
  access_key_id     = var.mst_access_key_id
  secret_access_key = var.mst_secret_access_key

  depends_on = [nutanixdr_disaster_recovery.nc2]
}

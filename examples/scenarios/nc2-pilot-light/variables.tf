variable "pcs" {
  description = <<-EOT
    How to reach each Prism Central, by site name: onprem and nc2-aws. prismsim's env.json is a
    valid var file for it (-var-file=STATE_DIR/env.json); for real Prism Centrals write the same
    shape in a .tfvars file kept out of version control. Set ca_file to the PEM of the
    certificate Prism Central presents, or insecure = true to skip verification (not for
    production). nc2-aws also needs ssh: how to log in to its Prism Central VM as nutanix to
    deploy MST (host_key is the VM's public host key, pinned).
  EOT
  type = map(object({
    endpoint      = string
    port          = optional(number, 9440)
    username      = string
    password      = string
    ca_file       = optional(string)
    insecure      = optional(bool, false)
    advertised_ip = optional(string)
    ssh = optional(object({
      host     = string
      port     = optional(number, 22)
      user     = optional(string, "nutanix")
      password = string
      host_key = string
    }))
  }))
  sensitive = true

  validation {
    condition     = contains(keys(var.pcs), "onprem") && contains(keys(var.pcs), "nc2-aws")
    error_message = "The pcs variable needs an entry for each site: onprem and nc2-aws."
  }

  validation {
    condition     = try(var.pcs["nc2-aws"].ssh != null, false)
    error_message = "pcs[\"nc2-aws\"].ssh is needed: MST is deployed over SSH on the Prism Central VM of NC2."
  }
}

variable "clusters" {
  description = "The cluster of each site: the on-premises one that runs the VMs, and the small pilot-light NC2 cluster."
  type        = map(string)
  default = {
    onprem    = "ONPREM01"
    "nc2-aws" = "NC2-PL"
  }
}

variable "networks" {
  description = "The network of the VMs at each site, as the recovery plan maps it: on premises, and PC-Net on NC2 (the VMs get addresses there)."
  type = map(object({
    name          = string
    gateway_ip    = string
    prefix_length = number
  }))
  default = {
    onprem    = { name = "vlan10-prod", gateway_ip = "192.168.10.1", prefix_length = 24 }
    "nc2-aws" = { name = "PC-Net", gateway_ip = "10.110.33.1", prefix_length = 24 }
  }
}

variable "tier1_vms" {
  description = "Tier 1: VMs with a short RPO and RTO, replicated to the NC2 cluster and recovered first."
  type        = set(string)
  default     = ["erp-db-01", "erp-app-01"]
}

variable "tier2_vms" {
  description = "Tier 2: VMs that can wait longer, replicated to S3 through MST and recovered from the bucket into the NC2 cluster."
  type        = set(string)
  default     = ["file-01", "web-01", "web-02"]
}

variable "category_name" {
  description = "Category key that sorts the VMs into tiers."
  type        = string
  default     = "dr-tier"
}

variable "tier1_rpo" {
  description = "RPO of tier 1 to the NC2 cluster, as a Go duration (asynchronous: 1h and more)."
  type        = string
  default     = "1h"
}

variable "tier1_retention" {
  description = "Recovery points of tier 1 kept on premises and on NC2."
  type        = number
  default     = 4
}

variable "tier2_rpo" {
  description = "RPO of tier 2 to S3, as a Go duration."
  type        = string
  default     = "2h"
}

variable "tier2_retention" {
  description = "Recovery points of tier 2 kept in the bucket (linear; MST keeps at most 36)."
  type        = number
  default     = 36

  validation {
    condition     = var.tier2_retention >= 1 && var.tier2_retention <= 36
    error_message = "MST keeps at most 36 linear recovery points: tier2_retention must be between 1 and 36."
  }
}

variable "mst" {
  description = "The MST deployment on NC2's Prism Central: the bucket (which must exist, see aws-s3-bucket.tf.example), its region and type, and three free addresses of the network, outside its DHCP pool."
  type = object({
    bucket       = string
    region       = string
    bucket_type  = optional(string, "aws")
    network_name = string
    ip_addresses = list(string)
  })
  default = {
    bucket       = "nutanix-clusters-pilot-light"
    region       = "ap-northeast-1"
    network_name = "PC-Net"
    # PC-Net's DHCP pool was shrunk to end at .200, as the guide does, to make room for MST.
    ip_addresses = ["10.110.33.201", "10.110.33.202", "10.110.33.203"]
  }
}

# The keys of the IAM user with full access to the bucket. The defaults only have the format the
# emulator checks (prismsim accepts any such key): set real ones with TF_VAR_mst_access_key_id and
# TF_VAR_mst_secret_access_key. They are write-only: typed at the CLI's prompts, never stored.
variable "mst_access_key_id" {
  description = "Access key ID of the IAM user of the bucket."
  type        = string
  sensitive   = true
  default     = "AKIAPILOTLIGHTDEMO00"
}

variable "mst_secret_access_key" {
  description = "Secret access key of the IAM user of the bucket."
  type        = string
  sensitive   = true
  default     = "pilotLightDemo/NotARealSecretKey+0000000"
}

variable "tier2_power_on" {
  description = "Whether the recovery plan powers the tier-2 VMs on in NC2. The pilot-light cluster cannot run every VM: Prism Central recovers the ones restored from S3 that do not fit powered off, with a warning; set false to keep all of tier 2 off until the cluster is expanded (see README.md)."
  type        = bool
  default     = true
}

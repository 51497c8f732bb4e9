variable "pcs" {
  description = <<-EOT
    How to reach each Prism Central, by site name. prismsim's env.json is a valid var file for it
    (-var-file=STATE_DIR/env.json); for real Prism Centrals write the same shape in a .tfvars file.
    Set ca_file to the PEM of the certificate Prism Central presents, or insecure = true to skip
    verification (not for production).
  EOT
  type = map(object({
    endpoint      = string
    port          = optional(number, 9440)
    username      = string
    password      = string
    ca_file       = optional(string)
    insecure      = optional(bool, false)
    advertised_ip = optional(string)
  }))
  sensitive = true

  validation {
    condition     = contains(keys(var.pcs), "tokyo") && contains(keys(var.pcs), "osaka")
    error_message = "The pcs variable needs an entry for each site: tokyo and osaka."
  }
}

variable "clusters" {
  description = "The NC2 cluster of each site that runs the VMs and their replicas."
  type        = map(string)
  default = {
    tokyo = "NC2-TYO"
    osaka = "NC2-OSA"
  }
}

variable "external_subnets" {
  description = "The no-NAT external VLAN subnet (the VPC's uplink) of each site: VLAN id, network and gateway."
  type = map(object({
    name       = string
    vlan_id    = number
    cidr       = string
    gateway_ip = string
  }))
  default = {
    tokyo = { name = "tyo-external-nonat", vlan_id = 100, cidr = "10.10.100.0/24", gateway_ip = "10.10.100.1" }
    osaka = { name = "osa-external-nonat", vlan_id = 100, cidr = "10.20.100.0/24", gateway_ip = "10.20.100.1" }
  }
}

variable "vpc_name" {
  description = "Name of the VPC on both sites."
  type        = string
  default     = "vpc-a"
}

variable "routable_prefix" {
  description = "The VPC's externally routable prefix on both sites: routed without NAT through the uplink, so the same addresses work in either region."
  type        = string
  default     = "172.30.0.0/16"
}

variable "overlay_subnet" {
  description = "The overlay subnet of the protected VMs, with the same name, network and gateway on both sites. The DHCP pool avoids the addresses the VMs keep."
  type = object({
    name       = string
    cidr       = string
    gateway_ip = string
    pool_start = string
    pool_end   = string
  })
  default = {
    name       = "vpc-a-172-30-1"
    cidr       = "172.30.1.0/24"
    gateway_ip = "172.30.1.1"
    pool_start = "172.30.1.100"
    pool_end   = "172.30.1.200"
  }
}

variable "protected_vms" {
  description = "Names of the VMs that fail over from Tokyo to Osaka. They must be on the overlay subnet before the recovery plan is created (see README.md)."
  type        = set(string)
  default     = ["web-01", "app-01"]
}

variable "category_name" {
  description = "Category key that selects the protected VMs."
  type        = string
  default     = "dr-region"
}

variable "category_value" {
  description = "Value of the category key carried by the protected VMs."
  type        = string
  default     = "tokyo-to-osaka"
}

variable "rpo" {
  description = "Recovery point objective of the protection policy, as a Go duration."
  type        = string
  default     = "15m"
}

variable "retention" {
  description = "How many recovery points the policy keeps on each side."
  type        = number
  default     = 4
}

variable "protect" {
  description = "Whether the protection policy and the recovery plan exist. Apply with false first, move the VMs onto the overlay subnet, then apply with true (the default)."
  type        = bool
  default     = true
}

variable "active_site" {
  description = "The site the protected VMs run on: \"tokyo\", or \"osaka\" after the failover. The VMs are looked up and tagged there, and the protection policy's primary location follows."
  type        = string
  default     = "tokyo"

  validation {
    condition     = contains(["tokyo", "osaka"], var.active_site)
    error_message = "active_site must be \"tokyo\" or \"osaka\"."
  }
}

variable "failover" {
  description = "Run the planned failover from Tokyo to Osaka (failover.tf)."
  type        = bool
  default     = false
}

variable "failback" {
  description = "Run the planned failback from Osaka to Tokyo (failover.tf), after the failover."
  type        = bool
  default     = false
}

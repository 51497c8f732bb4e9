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
    condition     = contains(keys(var.pcs), "canada") && contains(keys(var.pcs), "france")
    error_message = "The pcs variable needs an entry for each site: canada and france."
  }
}

variable "protected_vms" {
  description = "Names of the VMs in Canada that replicate to France."
  type        = set(string)
  default     = ["app-01", "db-01"]
}

variable "category_name" {
  description = "Category key that selects the replicated VMs."
  type        = string
  default     = "replicated-vm"
}

variable "category_value" {
  description = "Value of the category key carried by the VMs that replicate from Canada."
  type        = string
  default     = "from-canada"
}

variable "clusters" {
  description = "The cluster of each site that holds the VMs and their replicas."
  type        = map(string)
  default = {
    canada = "CA01"
    france = "FR01"
  }
}

variable "rpo" {
  description = "Recovery point objective of the protection policy, as a Go duration: \"15m\" is the Leap setup guide's."
  type        = string
  default     = "15m"
}

variable "retention" {
  description = "How many recovery points the policy keeps on each side."
  type        = number
  default     = 4
}

variable "active_site" {
  description = "The site the protected VMs run on: \"canada\", or \"france\" after a failover. Flipping it reverses the policy's primary location and the recovery plans, for failback."
  type        = string
  default     = "canada"

  validation {
    condition     = contains(["canada", "france"], var.active_site)
    error_message = "active_site must be \"canada\" or \"france\"."
  }
}

variable "networks" {
  description = "The production and test networks, with the same name, gateway and prefix on both sites (the Leap setup guide's VLANs 50 and 51)."
  type = object({
    production = object({ name = string, gateway_ip = string, prefix_length = number })
    test       = object({ name = string, gateway_ip = string, prefix_length = number })
  })
  default = {
    production = { name = "vlan50-prod", gateway_ip = "192.168.50.1", prefix_length = 24 }
    test       = { name = "vlan51-test", gateway_ip = "192.168.51.1", prefix_length = 25 }
  }
}

variable "dns_ip" {
  description = "The address dns-01 keeps when it is recovered."
  type        = string
  default     = "192.168.50.2"
}

variable "failover" {
  description = "The failover to run toward the standby site: \"\" (none), \"test\", \"planned\" or \"unplanned\" (see failover.tf)."
  type        = string
  default     = ""

  validation {
    condition     = contains(["", "test", "planned", "unplanned"], var.failover)
    error_message = "failover must be \"\", \"test\", \"planned\" or \"unplanned\"."
  }
}

variable "pcs" {
  description = "How to reach each Prism Central, by site name, as in the two-site configuration (prismsim's env.json is a valid var file); only france is used."
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
    condition     = contains(keys(var.pcs), "france")
    error_message = "The pcs variable needs an entry for france, the recovery site."
  }
}

variable "recovery_plan" {
  description = "Name of the recovery plan to fail over, as the two-site configuration names it."
  type        = string
  default     = "replicated-vm"
}

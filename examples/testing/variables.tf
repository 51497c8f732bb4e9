variable "pcs" {
  description = <<-EOT
    How to reach each Prism Central, by site name: canada (where the VMs run) and france (where
    they recover). prismsim's env.json is a valid var file for it; for real Prism Centrals write
    the same shape in a .tfvars file.
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
}

variable "protected_vms" {
  description = "Names of the VMs of Canada that replicate to France."
  type        = set(string)
  default     = ["app-01", "db-01"]
}

variable "test_failover" {
  description = "Run a test failover to France: copies of the protected VMs start in the test network, production is untouched. Setting it back to false cleans the copies up."
  type        = bool
  default     = false
}

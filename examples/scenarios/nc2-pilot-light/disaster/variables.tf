variable "pcs" {
  description = "How to reach each Prism Central, by site name, as in the configuration above (prismsim's env.json is a valid var file); only nc2-aws is used."
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
    condition     = contains(keys(var.pcs), "nc2-aws")
    error_message = "The pcs variable needs an entry for nc2-aws, the recovery site."
  }
}

variable "recovery_plan" {
  description = "Name of the recovery plan to fail over, as the configuration above names it."
  type        = string
  default     = "onprem-to-nc2-pilot-light"
}

variable "cluster" {
  description = "The NC2 cluster to recover into."
  type        = string
  default     = "NC2-PL"
}

variable "lost_at" {
  description = "Recover from the latest recovery points taken at or before this time (RFC 3339), e.g. when onprem was lost. Empty: the latest ones."
  type        = string
  default     = ""
}

# One provider block per Prism Central: two sites are two aliases.
provider "nutanixdr" {
  alias    = "canada"
  endpoint = "pc-canada.example.com"
  username = "admin"
  password = var.canada_password
  # Trust the Prism Central certificate rather than disabling verification.
  ca_certificate = file("${path.module}/pc-canada-ca.pem")
}

provider "nutanixdr" {
  alias           = "france"
  endpoint        = "pc-france.example.com"
  port            = 9440
  username        = "admin"
  password        = var.france_password
  ca_certificate  = file("${path.module}/pc-france-ca.pem")
  request_timeout = "2m"
  max_retries     = 8
}

# Or leave the block empty and set NUTANIX_ENDPOINT, NUTANIX_PORT, NUTANIX_USERNAME,
# NUTANIX_PASSWORD and NUTANIX_INSECURE in the environment.

variable "canada_password" {
  type      = string
  sensitive = true
}

variable "france_password" {
  type      = string
  sensitive = true
}

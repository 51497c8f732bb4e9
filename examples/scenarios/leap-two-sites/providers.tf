# One provider configuration per Prism Central. The category is created on both sites: protection
# policies select VMs by category in Canada, and the VMs keep their categories when they are
# recovered in France.

provider "nutanixdr" {
  alias = "canada"

  endpoint       = var.pcs["canada"].endpoint
  port           = var.pcs["canada"].port
  username       = var.pcs["canada"].username
  password       = var.pcs["canada"].password
  ca_certificate = var.pcs["canada"].ca_file == null ? null : file(var.pcs["canada"].ca_file)
  insecure       = var.pcs["canada"].insecure
}

provider "nutanixdr" {
  alias = "france"

  endpoint       = var.pcs["france"].endpoint
  port           = var.pcs["france"].port
  username       = var.pcs["france"].username
  password       = var.pcs["france"].password
  ca_certificate = var.pcs["france"].ca_file == null ? null : file(var.pcs["france"].ca_file)
  insecure       = var.pcs["france"].insecure
}

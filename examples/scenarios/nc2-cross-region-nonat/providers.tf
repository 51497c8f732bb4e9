# One provider configuration per Prism Central: NC2 on AWS in Tokyo (ap-northeast-1) and in
# Osaka (ap-northeast-3).

provider "nutanixdr" {
  alias = "tokyo"

  endpoint       = var.pcs["tokyo"].endpoint
  port           = var.pcs["tokyo"].port
  username       = var.pcs["tokyo"].username
  password       = var.pcs["tokyo"].password
  ca_certificate = var.pcs["tokyo"].ca_file == null ? null : file(var.pcs["tokyo"].ca_file)
  insecure       = var.pcs["tokyo"].insecure
}

provider "nutanixdr" {
  alias = "osaka"

  endpoint       = var.pcs["osaka"].endpoint
  port           = var.pcs["osaka"].port
  username       = var.pcs["osaka"].username
  password       = var.pcs["osaka"].password
  ca_certificate = var.pcs["osaka"].ca_file == null ? null : file(var.pcs["osaka"].ca_file)
  insecure       = var.pcs["osaka"].insecure
}

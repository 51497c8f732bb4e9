# One provider configuration per Prism Central: the on-premises one (the protected site) and the
# one of NC2 on AWS in ap-northeast-1 (the pilot-light cluster and the MST store).

provider "nutanixdr" {
  alias = "onprem"

  endpoint       = var.pcs["onprem"].endpoint
  port           = var.pcs["onprem"].port
  username       = var.pcs["onprem"].username
  password       = var.pcs["onprem"].password
  ca_certificate = var.pcs["onprem"].ca_file == null ? null : file(var.pcs["onprem"].ca_file)
  insecure       = var.pcs["onprem"].insecure
}

provider "nutanixdr" {
  alias = "nc2_aws"

  endpoint       = var.pcs["nc2-aws"].endpoint
  port           = var.pcs["nc2-aws"].port
  username       = var.pcs["nc2-aws"].username
  password       = var.pcs["nc2-aws"].password
  ca_certificate = var.pcs["nc2-aws"].ca_file == null ? null : file(var.pcs["nc2-aws"].ca_file)
  insecure       = var.pcs["nc2-aws"].insecure
}

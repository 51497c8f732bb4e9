terraform {
  required_version = ">= 1.6"

  required_providers {
    nutanixdr = {
      source = "nutanixdr/nutanixdr"
    }
  }
}

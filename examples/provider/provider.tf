terraform {
  required_providers {
    quay = {
      source = "quaytf/quay"
    }
  }
}

# The URL and token can also come from QUAY_URL and QUAY_TOKEN.
provider "quay" {
  url   = "https://quay.example.com"
  token = var.quay_token
}

variable "quay_token" {
  type      = string
  sensitive = true
}

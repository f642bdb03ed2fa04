# A small configuration that `make demo` applies to the bundled Quay
# emulator and destroys again. QUAY_URL and QUAY_TOKEN come from the demo script.
terraform {
  required_providers {
    quay = {
      source = "quaytf/quay"
    }
  }
}

provider "quay" {}

resource "quay_organization" "platform" {
  name             = "platform"
  email            = "platform@example.com"
  tag_expiration_s = 604800
}

resource "quay_organization" "builds" {
  name          = "builds"
  invoice_email = true
}

data "quay_organization" "platform" {
  name = quay_organization.platform.name
}

output "platform_teams" {
  value = { for t in data.quay_organization.platform.teams : t.name => t.role }
}

output "builds_tag_expiration_s" {
  value = quay_organization.builds.tag_expiration_s
}

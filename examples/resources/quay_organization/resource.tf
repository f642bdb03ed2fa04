resource "quay_organization" "example" {
  name                  = "platform"
  email                 = "platform-team@example.com"
  invoice_email         = true
  invoice_email_address = "billing@example.com"
  tag_expiration_s      = 604800 # one week
}

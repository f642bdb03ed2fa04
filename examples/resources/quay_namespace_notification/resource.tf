resource "quay_organization" "platform" {
  name  = "platform"
  email = "platform-admins@example.com"
}

resource "quay_quota" "platform" {
  namespace = quay_organization.platform.name
  limit     = "500 GiB"
  limits = [
    { type = "Warning", threshold_percent = 80 },
    { type = "Reject", threshold_percent = 100 },
  ]
}

# Mail the organization's address when its storage passes 80%.
resource "quay_namespace_notification" "quota_warning" {
  organization = quay_organization.platform.name
  event        = "quota_warning"
  method       = "email"
  config       = {}
}

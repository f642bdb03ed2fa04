data "quay_oauth_applications" "platform" {
  organization = "platform"
}

output "application_names" {
  value = [for a in data.quay_oauth_applications.platform.applications : a.name]
}

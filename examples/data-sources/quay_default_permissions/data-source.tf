data "quay_default_permissions" "platform" {
  organization = "platform"
}

output "default_permissions" {
  value = [for p in data.quay_default_permissions.platform.default_permissions : "${p.id}: ${p.role} for ${coalesce(p.delegate_team, p.delegate_username)}"]
}

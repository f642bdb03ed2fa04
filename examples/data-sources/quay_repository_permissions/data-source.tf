data "quay_repository_permissions" "app" {
  repository = "platform/app"
}

output "teams_with_write" {
  value = [for team, role in data.quay_repository_permissions.app.teams : team if role != "read"]
}

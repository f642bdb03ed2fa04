data "quay_organization" "example" {
  name = "platform"
}

output "team_names" {
  value = [for t in data.quay_organization.example.teams : t.name]
}

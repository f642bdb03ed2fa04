data "quay_team" "owners" {
  organization = "platform"
  name         = "owners"
}

output "owners" {
  value = [for m in data.quay_team.owners.members : m.name if !m.invited]
}

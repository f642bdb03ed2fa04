data "quay_org_members" "platform" {
  organization = "platform"
}

output "members_by_team_count" {
  value = { for m in data.quay_org_members.platform.members : m.username => length(m.teams) }
}

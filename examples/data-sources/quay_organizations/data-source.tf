# Every organization whose name starts with "team-", with its quota and use.
data "quay_organizations" "teams" {
  name_regex = "^team-"
}

# Organizations using more than 80% of their quota (none without a quota).
output "organizations_over_80_percent" {
  value = [
    for o in data.quay_organizations.teams.organizations : o.name
    if try(o.used_bytes * 100 > o.quotas[0].limit_bytes * 80, false)
  ]
}

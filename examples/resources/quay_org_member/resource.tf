resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_team" "builders" {
  organization = quay_organization.platform.name
  name         = "builders"
  role         = "creator"
}

resource "quay_user" "alice" {
  username = "alice"
  email    = "alice@example.com"
}

# alice joins two teams: builders, and owners (which Quay made with the
# organization). If she were already in the organization, the create would
# fail and ask for `terraform import quay_org_member.alice platform/alice`.
resource "quay_org_member" "alice" {
  organization = quay_organization.platform.name
  username     = quay_user.alice.username
  teams        = [quay_team.builders.name, "owners"]
}

output "alice_pending_invitation" {
  value = quay_org_member.alice.invited
}

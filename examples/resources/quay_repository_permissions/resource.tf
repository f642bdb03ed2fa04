resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_team" "builders" {
  organization = quay_organization.platform.name
  name         = "builders"
  role         = "member"
}

resource "quay_user" "auditor" {
  username = "auditor"
  email    = "auditor@example.com"
}

resource "quay_repository" "app" {
  namespace = quay_organization.platform.name
  name      = "app"
}

# Exactly these grants, and no others: the admin grant Quay gives the
# repository's creator is removed unless it is listed here.
resource "quay_repository_permissions" "app" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  teams = {
    (quay_team.builders.name) = "write"
  }
  users = {
    (quay_user.auditor.username) = "read"
  }
}

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

# The builders team may push to platform/app.
resource "quay_repository_permission" "builders" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  team       = quay_team.builders.name
  role       = "write"
}

# The auditor may pull it. A robot is given as "platform+name".
resource "quay_repository_permission" "auditor" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = quay_user.auditor.username
  role       = "read"
}

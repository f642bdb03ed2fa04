resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_team" "builders" {
  organization = quay_organization.platform.name
  name         = "builders"
  role         = "member"
}

resource "quay_user" "ci" {
  username = "ci-pipeline"
  email    = "ci-pipeline@example.com"
}

resource "quay_user" "release_manager" {
  username = "release-manager"
  email    = "release-manager@example.com"
}

# Every repository created in the organization, by anybody, grants the
# builders team write access.
resource "quay_default_permission" "builders_write" {
  organization  = quay_organization.platform.name
  delegate_team = quay_team.builders.name
  role          = "write"
}

# Repositories the CI user creates also grant the release manager admin.
resource "quay_default_permission" "release_admin" {
  organization        = quay_organization.platform.name
  delegate_username   = quay_user.release_manager.username
  activating_username = quay_user.ci.username
  role                = "admin"
}

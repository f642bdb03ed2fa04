terraform {
  required_providers {
    quay = {
      source = "quaytf/quay"
    }
  }
}

# The URL and token come from QUAY_URL and QUAY_TOKEN.
provider "quay" {}

# An organization: Quay makes its owners team and puts the token's user in it.
resource "quay_organization" "platform" {
  name             = "platform"
  email            = "platform@example.com"
  tag_expiration_s = 604800 # deleted tags stay restorable for a week
}

# A team whose members may create repositories in the organization.
resource "quay_team" "developers" {
  organization = quay_organization.platform.name
  name         = "developers"
  role         = "creator"
  description  = "Build and push the platform's images"
}

# A user (needs a superuser token and Quay's Database authentication; with
# LDAP or OIDC, users come from there: use their names in quay_org_member).
resource "quay_user" "alice" {
  username = "alice"
  email    = "alice@example.com"
}

resource "quay_org_member" "alice" {
  organization = quay_organization.platform.name
  username     = quay_user.alice.username
  teams        = [quay_team.developers.name]
}

resource "quay_repository" "app" {
  namespace   = quay_organization.platform.name
  name        = "app"
  visibility  = "private"
  description = "The platform's application image"
}

# The developers may push to platform/app.
resource "quay_repository_permission" "developers" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  team       = quay_team.developers.name
  role       = "write"
}

# A robot account for CI, which may push to platform/app too. Its token
# never enters the state: read it with the quay_robot_token ephemeral resource.
resource "quay_robot" "ci" {
  namespace   = quay_organization.platform.name
  name        = "ci"
  description = "Pushes platform/app from CI"
}

resource "quay_repository_permission" "ci" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = quay_robot.ci.full_name
  role       = "write"
}

output "robot_login" {
  description = "The user name CI logs in with (docker login -u)."
  value       = quay_robot.ci.full_name
}

# A small configuration that `make demo` applies to the bundled Quay
# emulator and destroys again. QUAY_URL and QUAY_TOKEN come from the demo script.
terraform {
  required_providers {
    quay = {
      source = "quaytf/quay"
    }
  }
}

provider "quay" {}

resource "quay_organization" "platform" {
  name             = "platform"
  email            = "platform@example.com"
  tag_expiration_s = 604800
}

resource "quay_team" "builders" {
  organization = quay_organization.platform.name
  name         = "builders"
  role         = "creator"
  description  = "CI pipelines that push images"
}

resource "quay_user" "alice" {
  username = "alice"
  email    = "alice@example.com"
}

resource "quay_org_member" "alice" {
  organization = quay_organization.platform.name
  username     = quay_user.alice.username
  teams        = [quay_team.builders.name]
}

resource "quay_repository" "app" {
  namespace   = quay_organization.platform.name
  name        = "app"
  description = "The application image"
  # The demo pushes an image; its destroy deletes the repository with it.
  force_destroy = true
}

# The builders team may push to platform/app.
resource "quay_repository_permission" "builders" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  team       = quay_team.builders.name
  role       = "write"
}

# A robot for the CI pipeline, with write access to platform/app. Its token
# stays out of the state; the quay_robot_token ephemeral resource reads it.
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

data "quay_organization" "platform" {
  name       = quay_organization.platform.name
  depends_on = [quay_team.builders]
}

output "platform_teams" {
  value = { for t in data.quay_organization.platform.teams : t.name => t.role }
}

output "alice_teams" {
  value = quay_org_member.alice.teams
}

output "app_builders_role" {
  value = quay_repository_permission.builders.role
}

# The tags of platform/app, as the robot pushed them.
data "quay_tags" "app" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  depends_on = [quay_repository_permission.ci]
}

output "app_tags" {
  value = { for t in data.quay_tags.app.tags : t.name => t.manifest_digest }
}

output "ci_robot" {
  value = "${quay_robot.ci.full_name} may ${quay_repository_permission.ci.role} ${quay_repository_permission.ci.repository}"
}

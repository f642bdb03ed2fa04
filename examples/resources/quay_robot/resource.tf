resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_repository" "app" {
  namespace = quay_organization.platform.name
  name      = "app"
}

# A robot for CI. Its token never enters the state: read it with the
# quay_robot_token ephemeral resource where it is needed.
resource "quay_robot" "ci" {
  namespace   = quay_organization.platform.name
  name        = "ci"
  description = "Pushes platform/app from CI"

  # Bump to rotate the token in place.
  token_version = 1

  # CI jobs of one branch may act as the robot without its token.
  federation = [
    {
      issuer  = "https://token.actions.githubusercontent.com"
      subject = "repo:platform/app:ref:refs/heads/main"
    },
  ]
}

# Refer to the robot by full_name: when the robot is replaced, Quay drops
# its grants, and this grant is then planned again in the same apply.
resource "quay_repository_permission" "ci" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = quay_robot.ci.full_name
  role       = "write"
}

resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_team" "ops" {
  organization = quay_organization.platform.name
  name         = "ops"
  role         = "member"
}

resource "quay_repository" "app" {
  namespace = quay_organization.platform.name
  name      = "app"
}

variable "deploy_hook_url" {
  type      = string
  sensitive = true
}

# Every push to platform/app calls the deployment hook.
resource "quay_repository_notification" "deploy" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  event      = "repo_push"
  method     = "webhook"
  title      = "Deploy on push"
  config = {
    url = "https://deploy.example.com/hooks/${var.deploy_hook_url}"
  }
}

# The ops team hears in Quay about tags that expire within a week.
resource "quay_repository_notification" "expiry" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  event      = "repo_image_expiry"
  method     = "quay_notification"
  config = {
    target_kind = "team"
    target_name = quay_team.ops.name
  }
  event_config = {
    days = 7
  }
}

resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_repository" "app" {
  namespace   = quay_organization.platform.name
  name        = "app"
  visibility  = "private"
  description = "Images of the *app* service, built by CI."
}

# A nested name, read-only: pulls only, for everybody (setting a state
# needs FEATURE_REPO_MIRROR on the server).
resource "quay_repository" "archive" {
  namespace = quay_organization.platform.name
  name      = "archive/app-2023"
  state     = "READ_ONLY"

  # The archive holds images: allow a destroy to delete them.
  force_destroy = true
}

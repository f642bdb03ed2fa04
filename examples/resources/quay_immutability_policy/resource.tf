resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_repository" "app" {
  namespace = quay_organization.platform.name
  name      = "app"
}

# Release tags such as v1.2.3 can never be pushed over, moved or deleted.
# Quay marks existing matching tags at once, and deleting the policy does
# not make them mutable again.
resource "quay_immutability_policy" "releases" {
  repository  = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  tag_pattern = "v[0-9]+\\.[0-9]+\\.[0-9]+"
}

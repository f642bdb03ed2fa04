resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_repository" "app" {
  namespace = quay_organization.platform.name
  name      = "app"
}

# Across the organization, development builds go after two weeks.
resource "quay_auto_prune_policy" "old_dev_builds" {
  organization = quay_organization.platform.name
  method       = "creation_date"
  value        = "2w"
  tag_pattern  = "^dev-"
}

# In platform/app, keep the 50 newest tags.
resource "quay_auto_prune_policy" "app_newest" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  method     = "number_of_tags"
  value      = "50"
}

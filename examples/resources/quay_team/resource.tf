resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_team" "builders" {
  organization = quay_organization.platform.name
  name         = "builders"
  role         = "creator"
  description  = "CI pipelines that push images"
}

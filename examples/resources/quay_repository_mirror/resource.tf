resource "quay_organization" "mirrors" {
  name = "mirrors"
}

# Leave state unset: Quay puts a mirrored repository in the MIRROR state.
resource "quay_repository" "node_exporter" {
  namespace = quay_organization.mirrors.name
  name      = "node-exporter"
}

resource "quay_robot" "mirror" {
  namespace   = quay_organization.mirrors.name
  name        = "mirror"
  description = "Writes mirrored tags"
}

variable "upstream_token" {
  type      = string
  sensitive = true
}

# Pull the v1 tags of the upstream repository every six hours.
resource "quay_repository_mirror" "node_exporter" {
  repository         = "${quay_repository.node_exporter.namespace}/${quay_repository.node_exporter.name}"
  external_reference = "quay.io/prometheus/node-exporter"
  root_rule          = ["v1.*"]
  robot_username     = quay_robot.mirror.full_name
  sync_interval      = 21600

  external_registry_username            = "mirror-bot"
  external_registry_password_wo         = var.upstream_token
  external_registry_password_wo_version = 1
}

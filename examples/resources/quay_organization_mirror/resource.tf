# An empty organization that mirrors every repository of a Harbor project.
resource "quay_organization" "harbor_mirror" {
  name = "harbor-mirror"
}

resource "quay_robot" "puller" {
  namespace   = quay_organization.harbor_mirror.name
  name        = "puller"
  description = "Writes mirrored repositories"
}

variable "harbor_token" {
  type      = string
  sensitive = true
}

resource "quay_organization_mirror" "harbor" {
  organization           = quay_organization.harbor_mirror.name
  external_registry_type = "harbor"
  external_registry_url  = "https://harbor.example.com"
  external_namespace     = "library"
  robot_username         = quay_robot.puller.full_name
  repository_filters     = ["nginx", "redis*"]
  sync_interval          = 86400

  external_registry_username            = "robot$quay"
  external_registry_password_wo         = var.harbor_token
  external_registry_password_wo_version = 1
}

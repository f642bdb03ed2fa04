resource "quay_organization" "dockerhub" {
  name = "dockerhub"
}

variable "dockerhub_token" {
  type      = string
  sensitive = true
}

resource "quay_proxy_cache" "dockerhub" {
  organization      = quay_organization.dockerhub.name
  upstream_registry = "docker.io"
  expiration_s      = 172800

  upstream_registry_username            = "mirror-bot"
  upstream_registry_password_wo         = var.dockerhub_token
  upstream_registry_password_wo_version = 1

  # Have Quay log in to Docker Hub before saving the configuration.
  validate = true
}

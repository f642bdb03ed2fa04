# The token is read during the run and never written to state or plan.
ephemeral "quay_robot_token" "ci" {
  namespace = "platform"
  name      = "ci"
}

# For example: an edge Quay caches the central Quay's platform organization,
# pulling as the robot. The token goes into a write-only attribute.
provider "quay" {
  alias = "edge"
  url   = "https://edge-quay.example.com"
}

resource "quay_proxy_cache" "central" {
  provider                              = quay.edge
  organization                          = "platform-cache"
  upstream_registry                     = "quay.example.com/platform"
  upstream_registry_username            = "platform+ci"
  upstream_registry_password_wo         = ephemeral.quay_robot_token.ci.token
  upstream_registry_password_wo_version = 1
}

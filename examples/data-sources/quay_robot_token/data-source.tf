# Stores the token in state (sensitive). Prefer the quay_robot_token
# ephemeral resource on Terraform 1.10+ and OpenTofu 1.11+.
data "quay_robot_token" "ci" {
  namespace = "platform"
  name      = "ci"
}

output "ci_token" {
  value     = data.quay_robot_token.ci.token
  sensitive = true
}

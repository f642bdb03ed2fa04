variable "alice_password" {
  type      = string
  sensitive = true
}

resource "quay_user" "alice" {
  username = "alice"
  email    = "alice@example.com"

  # Write-only: sent to Quay, never stored. Bump the version to set a new one.
  password_wo         = var.alice_password
  password_wo_version = 1
}

# Without a password, Quay generates one; it is kept (sensitive) in state.
resource "quay_user" "ci" {
  username = "ci-bot"
  email    = "ci-bot@example.com"
}

output "ci_password" {
  value     = quay_user.ci.generated_password
  sensitive = true
}

resource "quay_organization" "platform" {
  name = "platform"
}

resource "quay_oauth_application" "ci" {
  organization    = quay_organization.platform.name
  name            = "ci"
  description     = "Token holder for CI pipelines"
  application_uri = "https://ci.example.com"
  redirect_uri    = "https://ci.example.com/oauth/callback"

  # Change from one number to another to rotate the client secret in place.
  # Setting it for the first time (or removing it) rotates nothing.
  secret_version = 1
}

output "ci_client_id" {
  value = quay_oauth_application.ci.client_id
}

resource "quay_oauth_application" "ci" {
  organization    = "platform"
  name            = "ci"
  description     = "Token holder for CI pipelines"
  application_uri = "https://ci.example.com"
  redirect_uri    = "https://ci.example.com/oauth/callback"

  # Bump to rotate the client secret in place.
  secret_version = 1
}

output "ci_client_id" {
  value = quay_oauth_application.ci.client_id
}

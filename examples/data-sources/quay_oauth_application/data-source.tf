data "quay_oauth_application" "ci" {
  organization = "platform"
  name         = "ci" # or client_id = "..."
}

output "ci_client_id" {
  value = data.quay_oauth_application.ci.client_id
}

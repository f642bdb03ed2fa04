# A key pair for a service that signs tokens Quay should trust.
resource "quay_service_key" "builder" {
  service    = "build_worker"
  name       = "build worker: ci"
  expiration = "2030-01-01T00:00:00Z"
  notes      = "Managed by Terraform"

  metadata = {
    team = "platform"
  }
}

# The private key exists only in Terraform state: keep the state secret.
output "builder_private_key" {
  value     = quay_service_key.builder.private_key
  sensitive = true
}

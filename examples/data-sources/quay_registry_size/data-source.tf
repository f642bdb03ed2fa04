# The registry's total size as Quay last computed it. Queue a new
# computation outside Terraform (POST /api/v1/superuser/registrysize/).
data "quay_registry_size" "this" {}

output "registry_size_gib" {
  value = data.quay_registry_size.this.size_bytes / 1073741824
}

output "registry_size_computed_at" {
  value = data.quay_registry_size.this.last_ran
}

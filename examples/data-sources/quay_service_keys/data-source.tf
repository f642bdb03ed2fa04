# All keys of one service; leave service unset to list every key,
# Quay's own instance keys (service "quay") included.
data "quay_service_keys" "builders" {
  service = "build_worker"
}

output "builder_kids" {
  value = [for k in data.quay_service_keys.builders.keys : k.kid]
}

data "quay_repository_mirror" "node_exporter" {
  repository = "mirrors/node-exporter"
}

output "last_sync" {
  value = data.quay_repository_mirror.node_exporter.sync_status
}

# Organizations created on the instance since a given time (superuser token).
data "quay_usage_logs" "org_creations" {
  kind        = "org_create"
  starttime   = "2026-01-01T00:00:00Z"
  max_entries = 5000
}

output "organizations_created" {
  value = [for e in data.quay_usage_logs.org_creations.entries : "${e.time} ${e.performer} created ${e.metadata.namespace}"]
}

output "more_entries_than_read" {
  value = data.quay_usage_logs.org_creations.truncated
}

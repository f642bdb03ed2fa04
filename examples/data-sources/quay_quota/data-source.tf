data "quay_quota" "builds" {
  namespace = "builds"
}

output "builds_quota_use_percent" {
  value = data.quay_quota.builds.used_bytes == null ? null : floor(100 * data.quay_quota.builds.used_bytes / data.quay_quota.builds.limit_bytes)
}

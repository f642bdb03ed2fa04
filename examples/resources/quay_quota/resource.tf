resource "quay_organization" "builds" {
  name = "builds"
}

# 100 GiB (binary) for the organization; warn at 80 %, refuse pushes at 100 %.
# Limits need a superuser with FEATURE_SUPERUSERS_FULL_ACCESS.
resource "quay_quota" "builds" {
  namespace = quay_organization.builds.name
  limit     = "100 GiB"

  limits = [
    { type = "Warning", threshold_percent = 80 },
    { type = "Reject", threshold_percent = 100 },
  ]
}

# A user namespace works the same way, and a size may be given in bytes.
# Without limits, any superuser can manage the quota.
resource "quay_user" "alice" {
  username = "alice"
  email    = "alice@example.com"
}

resource "quay_quota" "alice" {
  namespace   = quay_user.alice.username
  limit_bytes = 5000000000
}

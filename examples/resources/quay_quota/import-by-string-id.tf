import {
  to = quay_quota.builds
  id = "builds"
}

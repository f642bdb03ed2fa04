import {
  to = quay_namespace_notification.quota_warning
  id = "platform/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
}

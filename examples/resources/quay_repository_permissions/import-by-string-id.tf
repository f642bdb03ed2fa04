import {
  to = quay_repository_permissions.app
  id = "platform/app"
}

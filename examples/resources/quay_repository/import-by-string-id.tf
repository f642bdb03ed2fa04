import {
  to = quay_repository.app
  id = "platform/app"
}

import {
  to = quay_repository_notification.deploy
  id = "platform/app/7e0c1d2b-3a4f-4b5c-9d6e-0f1a2b3c4d5e"
}

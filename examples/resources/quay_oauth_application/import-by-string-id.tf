import {
  to = quay_oauth_application.ci
  id = "platform/ABCDEFGHIJ0123456789"
}

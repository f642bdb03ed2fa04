import {
  to = quay_organization.example
  id = "platform"
}

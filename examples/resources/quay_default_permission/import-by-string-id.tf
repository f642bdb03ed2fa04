import {
  to = quay_default_permission.builders_write
  id = "platform/3f1e2d4c-5b6a-4789-8abc-def012345678"
}

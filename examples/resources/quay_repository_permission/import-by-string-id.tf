import {
  to = quay_repository_permission.builders
  id = "platform/app/team/builders"
}

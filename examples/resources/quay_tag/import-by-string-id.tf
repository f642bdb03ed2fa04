import {
  to = quay_tag.prod
  id = "platform/app:prod"
}

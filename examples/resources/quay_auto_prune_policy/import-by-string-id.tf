import {
  to = quay_auto_prune_policy.app_newest
  id = "platform/app/0b6d5d2e-8c53-4a6e-9b1f-5c0a2e7b9f10"
}

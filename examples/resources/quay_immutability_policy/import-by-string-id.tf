import {
  to = quay_immutability_policy.releases
  id = "platform/app/4f1c2a9e-2d7b-4c61-8d0e-93a5b6c7d8e9"
}

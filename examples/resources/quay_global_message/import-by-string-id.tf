import {
  to = quay_global_message.maintenance
  id = "3c5d7e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
}

import {
  to = quay_user.alice
  id = "alice"
}

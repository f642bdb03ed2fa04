import {
  to = quay_org_member.alice
  id = "platform/alice"
}

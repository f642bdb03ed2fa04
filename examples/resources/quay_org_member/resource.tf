resource "quay_org_member" "alice" {
  organization = "platform"
  username     = "alice"
  teams        = ["builders", "owners"]
}

output "alice_pending_invitation" {
  value = quay_org_member.alice.invited
}

data "quay_user" "alice" {
  username = "alice"
}

output "alice_enabled" {
  value = data.quay_user.alice.enabled
}

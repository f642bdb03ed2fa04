# Every disabled account of the instance.
data "quay_users" "disabled" {
  enabled = false
}

output "disabled_users" {
  value = [for u in data.quay_users.disabled.users : u.username]
}

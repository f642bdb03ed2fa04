data "quay_auto_prune_policies" "platform" {
  organization = "platform"
}

output "platform_prune_rules" {
  value = [for p in data.quay_auto_prune_policies.platform.policies : "${p.method} ${p.value}"]
}

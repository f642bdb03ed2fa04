data "quay_global_messages" "all" {}

output "banners" {
  value = [for m in data.quay_global_messages.all.messages : "${m.severity}: ${m.content}"]
}

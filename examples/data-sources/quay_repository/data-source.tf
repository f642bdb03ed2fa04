data "quay_repository" "app" {
  namespace = "platform"
  name      = "app"
}

output "app_tags" {
  value = "${data.quay_repository.app.tag_count} tag(s), last pushed ${data.quay_repository.app.last_modified}"
}

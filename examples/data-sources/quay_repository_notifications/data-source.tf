data "quay_repository_notifications" "app" {
  repository = "platform/app"
}

# Notifications Quay stopped sending after three failed deliveries.
output "stopped_notifications" {
  value = [for n in data.quay_repository_notifications.app.notifications : n.uuid if n.number_of_failures >= 3]
}

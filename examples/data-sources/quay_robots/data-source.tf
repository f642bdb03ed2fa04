data "quay_robots" "platform" {
  namespace           = "platform"
  include_permissions = true
}

output "robots_and_their_repositories" {
  value = { for r in data.quay_robots.platform.robots : r.full_name => r.repositories }
}

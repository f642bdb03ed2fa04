# Every repository of the organization the token's user can see.
data "quay_repositories" "platform" {
  namespace = "platform"
}

output "public_repositories" {
  value = [for r in data.quay_repositories.platform.repositories : r.name if r.visibility == "public"]
}

data "quay_tags" "releases" {
  repository = "platform/app"
  name_regex = "^v[0-9]+\\."
}

output "release_digests" {
  value = { for t in data.quay_tags.releases.tags : t.name => t.manifest_digest }
}

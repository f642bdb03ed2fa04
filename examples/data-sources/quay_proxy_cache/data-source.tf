data "quay_proxy_cache" "dockerhub" {
  organization = "dockerhub"
}

output "dockerhub_upstream" {
  value = data.quay_proxy_cache.dockerhub.upstream_registry
}

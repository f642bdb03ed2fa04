# A proxy cache is imported by organization name. Quay never returns the
# upstream credentials, so they stay as configured.
terraform import quay_proxy_cache.dockerhub dockerhub

import {
  to = quay_proxy_cache.dockerhub
  id = "dockerhub"
}

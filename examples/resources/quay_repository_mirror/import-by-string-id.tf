import {
  to = quay_repository_mirror.node_exporter
  id = "mirrors/node-exporter"
}

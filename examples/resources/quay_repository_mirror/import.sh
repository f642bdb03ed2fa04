# A mirror configuration is imported by its repository.
terraform import quay_repository_mirror.node_exporter mirrors/node-exporter

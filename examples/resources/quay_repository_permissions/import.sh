# All grants of a repository are imported by the repository, namespace/name.
terraform import quay_repository_permissions.app platform/app

# Repositories are imported as namespace/name (a nested name keeps its "/").
terraform import quay_repository.app platform/app

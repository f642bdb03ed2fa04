# Default permissions are imported as organization/id: Quay accepts identical
# ones, so only the id it assigned tells them apart. List the ids with the
# quay_default_permissions data source.
terraform import quay_default_permission.builders_write platform/3f1e2d4c-5b6a-4789-8abc-def012345678

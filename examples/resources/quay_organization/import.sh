# Organizations are imported by name.
terraform import quay_organization.example platform

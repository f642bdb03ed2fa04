# Memberships are imported as organization/username.
terraform import quay_org_member.alice platform/alice

# Teams are imported as organization/team.
terraform import quay_team.builders platform/builders

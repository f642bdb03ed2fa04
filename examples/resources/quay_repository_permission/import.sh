# A team's grant is imported as namespace/name/team/<team>,
# a user's or robot's as namespace/name/user/<username>.
terraform import quay_repository_permission.builders platform/app/team/builders
terraform import quay_repository_permission.auditor platform/app/user/auditor

# A robot is imported as namespace/name, or by its full name namespace+name.
terraform import quay_robot.ci platform/ci

# Users are imported by username. The generated password cannot be imported.
terraform import quay_user.alice alice

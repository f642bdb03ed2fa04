# Applications are imported as organization/client_id (names are not unique).
terraform import quay_oauth_application.ci platform/ABCDEFGHIJ0123456789

# A service key is imported by its kid. Quay never returns the private key
# after creation, so private_key stays null for an imported key.
terraform import quay_service_key.builder 5q4ZyLVn9pT6eYB3cHuE0dJmRk2wXaF7sNvGtQhIoPl

# A quota is imported by its namespace (organization or user name).
# The import sets limit_bytes; if your configuration uses limit instead,
# the first plan after the import only records its spelling.
terraform import quay_quota.builds builds

# An organization's or user's policy is imported as <namespace>/<uuid>,
# a repository's as <namespace>/<repository>/<uuid>.
terraform import quay_auto_prune_policy.old_dev_builds platform/0b6d5d2e-8c53-4a6e-9b1f-5c0a2e7b9f10

# A tag is imported as <namespace>/<repository>:<tag>.
terraform import quay_tag.prod platform/app:prod

# An organization's mirror configuration is imported by the organization name.
terraform import quay_organization_mirror.harbor harbor-mirror

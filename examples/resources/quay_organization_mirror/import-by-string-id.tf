import {
  to = quay_organization_mirror.harbor
  id = "harbor-mirror"
}

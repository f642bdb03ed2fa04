# Promote the image CI pushed as build-42 of platform/app to prod, by digest.
data "quay_tags" "build" {
  repository = "platform/app"
  name_regex = "^build-42$"
}

resource "quay_tag" "prod" {
  repository      = "platform/app"
  name            = "prod"
  manifest_digest = data.quay_tags.build.tags[0].manifest_digest
}

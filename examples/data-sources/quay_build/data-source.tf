# A build's state and log lines by UUID (superuser token). The UUID comes
# from whoever requested the build: the answer of
# POST /api/v1/repository/{repository}/build/, a build trigger, or the UI.
variable "build_uuid" {
  type        = string
  description = "UUID of the build to inspect."
}

data "quay_build" "this" {
  uuid         = var.build_uuid
  include_logs = true
}

output "build_state" {
  value = "${data.quay_build.this.repository} ${data.quay_build.this.phase} since ${data.quay_build.this.started}"
}

output "build_errors" {
  value = [for l in data.quay_build.this.logs : l.message if l.type == "error"]
}

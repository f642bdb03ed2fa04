data "quay_robot" "ci" {
  namespace = "platform"
  name      = "ci"
}

output "ci_last_used" {
  value = data.quay_robot.ci.last_accessed
}

import {
  to = quay_robot.ci
  id = "platform/ci"
}

import {
  to = quay_team.builders
  id = "platform/builders"
}

# A banner every user of Quay's web UI sees.
resource "quay_global_message" "maintenance" {
  content  = "Quay is read-only on **Saturday 06:00-08:00 UTC** for an upgrade."
  severity = "warning"
}

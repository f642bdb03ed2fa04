package emulator

// quotaEnabled reports whether Quay registers its quota endpoints (§9).
func (s *Server) quotaEnabled() bool {
	f := s.cfg.Features
	return f.QuotaManagement && f.EditQuota
}

// namespaceQuotaViews is the short quota form embedded in org and user views.
func (s *Server) namespaceQuotaViews(ns *namespace) []any {
	return []any{}
}

// quotaReport is the "quota_report" object of org and user views.
func (s *Server) quotaReport(ns *namespace) map[string]any {
	return map[string]any{
		"quota_bytes":      0,
		"configured_quota": nil,
		"running_backfill": "complete",
		"backfill_status":  "complete",
	}
}

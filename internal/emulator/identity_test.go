package emulator

import "testing"

// TestSelfViewQuotas pins issue 14 item 4: with quota management on, the
// user admin's view of itself carries quotas (short form) and quota_report,
// as organization views do (endpoints/api/user.py, user_view). A token with
// only user:read gets neither, and its organizations lack is_org_admin and
// preferred_namespace (user_view's org_view adds those for user admins).
func TestSelfViewQuotas(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/superuser/users/alice/quota", e.admin, map[string]any{"limit_bytes": 1000})
	e.srv.SetNamespaceUsage("alice", 10)

	me := e.call(t, "GET", "/api/v1/user/", e.alice, nil)
	quotas, _ := me.field("quotas").([]any)
	report, _ := me.field("quota_report").(map[string]any)
	if me.status != 200 || len(quotas) != 1 || report["configured_quota"] != float64(1000) || report["quota_bytes"] != float64(10) {
		t.Fatalf("self view: %s", me.raw)
	}
	if q := quotas[0].(map[string]any); q["limit_bytes"] != float64(1000) || q["limit"] != nil {
		t.Fatalf("self view quota is not the short form: %v", q)
	}

	read := e.call(t, "GET", "/api/v1/user/", e.srv.IssueToken("alice", "user:read"), nil)
	orgs, _ := read.field("organizations").([]any)
	if read.field("quotas") != nil || read.field("quota_report") != nil || len(orgs) != 1 {
		t.Fatalf("user:read view: %s", read.raw)
	}
	if o := orgs[0].(map[string]any); o["is_org_admin"] != nil || o["preferred_namespace"] != nil {
		t.Fatalf("user:read org entry: %v", o)
	}

	off := newOrgTestEnv(t, func(c *Config) { c.Features.QuotaManagement = false })
	if a := off.call(t, "GET", "/api/v1/user/", off.alice, nil); a.field("quotas") != nil || a.field("quota_report") != nil {
		t.Fatalf("quota keys without quota management: %s", a.raw)
	}
}

package emulator

import "testing"

// TestUsageLogs: writes leave Quay's entries; the instance list pages by
// 20 with one empty page after the last; org logs are for admins, without
// the namespace; a missing org is Quay's uncaught model error.
func TestUsageLogs(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders", e.alice, map[string]any{"role": "member"})
	if got := e.srv.UsageLogs("acme"); len(got) != 2 || got[0] != "org_create" || got[1] != "org_create_team" {
		t.Fatalf("kinds: %v", got)
	}
	a := e.call(t, "GET", "/api/v1/organization/acme/logs", e.alice, nil)
	logs := a.field("logs").([]any)
	first := logs[0].(map[string]any)
	if len(logs) != 2 || first["kind"] != "org_create_team" || first["namespace"] != nil || first["performer"].(map[string]any)["name"] != "alice" {
		t.Fatalf("org logs: %s", a.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme/logs", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	if a := e.call(t, "GET", "/api/v1/organization/nope/logs", e.admin, nil); a.status != 400 || a.field("message") != "Invalid namespace requested: nope" {
		t.Fatalf("missing org: %d %s", a.status, a.raw)
	}
	e.srv.AddUsageLogs(25, "user_create", "admin", "admin")
	var sizes []int
	path := "/api/v1/superuser/logs"
	for range 5 {
		a := e.call(t, "GET", path, e.admin, nil)
		sizes = append(sizes, len(a.field("logs").([]any)))
		next, _ := a.field("next_page").(string)
		if next == "" {
			break
		}
		path = "/api/v1/superuser/logs?next_page=" + next
	}
	if len(sizes) != 3 || sizes[0] != 20 || sizes[1] != 7 || sizes[2] != 0 {
		t.Fatalf("page sizes %v, want [20 7 0]", sizes)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/superuser/logs", e.alice, nil), 403, "insufficient_scope", "Unauthorized")
}

// A repository's logs (endpoints/api/logs.py RepositoryLogs): its admins
// read the entries of that repository only; others are refused before the
// repository is looked up, and an admin of the namespace learns of a
// missing repository with a 404.
func TestRepositoryLogs(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	for _, name := range []string{"app", "other"} {
		if a := e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": name, "visibility": "private", "description": ""}); a.status != 201 {
			t.Fatalf("create %s: %d %s", name, a.status, a.raw)
		}
	}
	e.call(t, "PUT", "/api/v1/repository/acme/app", e.alice, map[string]any{"description": "changed"})
	a := e.call(t, "GET", "/api/v1/repository/acme/app/logs", e.alice, nil)
	logs, _ := a.field("logs").([]any)
	if a.status != 200 || len(logs) != 2 {
		t.Fatalf("repository logs: %d %s", a.status, a.raw)
	}
	for i, want := range []string{"set_repo_description", "create_repo"} {
		if got := logs[i].(map[string]any)["kind"]; got != want {
			t.Errorf("entry %d is %v, want %s", i, got, want)
		}
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/repository/acme/app/logs", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	if a := e.call(t, "GET", "/api/v1/repository/acme/nosuch/logs", e.alice, nil); a.status != 404 {
		t.Fatalf("missing repository: %d %s", a.status, a.raw)
	}
}

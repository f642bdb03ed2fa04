package emulator

import (
	"fmt"
	"testing"
	"time"
)

// TestSuperuserOrganizationList: without limit one answer; with limit,
// pages in creation order chained by next_page; a bad token restarts;
// limits above 100 and non-superusers are refused.
func TestSuperuserOrganizationList(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	for i := range 5 {
		if a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": fmt.Sprintf("org-%d", i)}); a.status != 201 {
			t.Fatalf("create: %d %s", a.status, a.raw)
		}
	}
	base := "/api/v1/superuser/organizations/"
	all := e.call(t, "GET", base, e.admin, nil)
	if orgs, _ := all.field("organizations").([]any); len(orgs) != 5 || all.field("next_page") != nil {
		t.Fatalf("unpaged list: %s", all.raw)
	}
	first, _ := all.field("organizations").([]any)[0].(map[string]any)
	if first["name"] != "org-0" || first["email"] == "" || first["quotas"] == nil || first["quota_report"] == nil {
		t.Fatalf("entry: %v", first)
	}
	var names []any
	path := base + "?limit=2"
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		a := e.call(t, "GET", path, e.admin, nil)
		for _, o := range a.field("organizations").([]any) {
			names = append(names, o.(map[string]any)["name"])
		}
		next, _ := a.field("next_page").(string)
		if next == "" {
			break
		}
		path = base + "?limit=2&next_page=" + next
	}
	if fmt.Sprint(names) != "[org-0 org-1 org-2 org-3 org-4]" {
		t.Fatalf("paged names: %v", names)
	}
	if a := e.call(t, "GET", base+"?limit=2&next_page=garbage", e.admin, nil); a.field("organizations").([]any)[0].(map[string]any)["name"] != "org-0" {
		t.Fatalf("a bad token should restart: %s", a.raw)
	}
	expectProblem(t, e.call(t, "GET", base+"?limit=101", e.admin, nil), 400, "invalid_request", "Page limit cannot be above 100")
	expectProblem(t, e.call(t, "GET", base, e.alice, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", base, "", nil), 401, "invalid_token", "Requires authentication")
}

// TestRegistrySize: never computed, queued (201, then 202), computed.
func TestRegistrySize(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	path := "/api/v1/superuser/registrysize/"
	if a := e.call(t, "GET", path, e.admin, nil); a.raw != `{"last_ran":null,"queued":false,"running":false,"size_bytes":0}`+"\n" {
		t.Fatalf("never computed: %q", a.raw)
	}
	if a := e.call(t, "POST", path, e.admin, nil); a.status != 201 || a.raw != "\"\"\n" {
		t.Fatalf("queue: %d %q", a.status, a.raw)
	}
	if a := e.call(t, "POST", path, e.admin, nil); a.status != 202 {
		t.Fatalf("queue again: %d %q", a.status, a.raw)
	}
	if a := e.call(t, "GET", path, e.admin, nil); a.field("queued") != true {
		t.Fatalf("queued: %s", a.raw)
	}
	e.srv.SetNamespaceUsage("alice", 1000)
	before := time.Now().UnixMilli()
	e.srv.RunRegistrySizeWorker()
	a := e.call(t, "GET", path, e.admin, nil)
	if a.field("size_bytes") != float64(1000) || a.field("queued") != false || a.field("last_ran").(float64) < float64(before) {
		t.Fatalf("computed: %s", a.raw)
	}
	expectProblem(t, e.call(t, "GET", path, e.alice, nil), 403, "insufficient_scope", "Unauthorized")
}

// TestSuperuserUserListPages: with limit the user list pages like the
// organization list (creation order, next_page); without, one answer.
func TestSuperuserUserListPages(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	for i := range 3 {
		if a := e.call(t, "POST", "/api/v1/superuser/users/", e.admin, map[string]any{"username": fmt.Sprintf("user-%d", i)}); a.status != 200 {
			t.Fatalf("create: %d %s", a.status, a.raw)
		}
	}
	base := "/api/v1/superuser/users/"
	if a := e.call(t, "GET", base, e.admin, nil); len(a.field("users").([]any)) != 6 || a.field("next_page") != nil {
		t.Fatalf("unpaged list: %s", a.raw)
	}
	var names []any
	path := base + "?limit=4"
	for pages := 0; ; pages++ {
		if pages > 2 {
			t.Fatal("too many pages")
		}
		a := e.call(t, "GET", path, e.admin, nil)
		if users := a.field("users").([]any); len(users) > 4 {
			t.Fatalf("page of %d", len(users))
		}
		for _, u := range a.field("users").([]any) {
			names = append(names, u.(map[string]any)["username"])
		}
		next, _ := a.field("next_page").(string)
		if next == "" {
			break
		}
		path = base + "?limit=4&next_page=" + next
	}
	if len(names) != 6 || fmt.Sprint(names[3:]) != "[user-0 user-1 user-2]" {
		t.Fatalf("paged names: %v", names)
	}
	expectProblem(t, e.call(t, "GET", base+"?limit=101", e.admin, nil), 400, "invalid_request", "Page limit cannot be above 100")
}

package emulator

import (
	"slices"
	"testing"
)

func TestRepositoryPermissions(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders", e.alice, map[string]any{"role": "member"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders/members/bob", e.alice, nil)
	newRepo := func(token, ns, name string) {
		t.Helper()
		if a := e.call(t, "POST", "/api/v1/repository", token, map[string]any{"namespace": ns, "repository": name, "visibility": "private", "description": ""}); a.status != 201 {
			t.Fatalf("create %s/%s: %d %s", ns, name, a.status, a.raw)
		}
	}
	newRepo(e.alice, "acme", "app")
	base := "/api/v1/repository/acme/app/permissions"

	// The creator gets admin.
	if got := e.srv.RepositoryGrants("acme", "app"); !slices.Equal(got, []string{"user:alice=admin"}) {
		t.Fatalf("after create: %v", got)
	}
	l := e.call(t, "GET", base+"/user/", e.alice, nil)
	if v, _ := l.field("permissions").(map[string]any)["alice"].(map[string]any); v["role"] != "admin" || v["is_org_member"] != true || v["is_robot"] != false {
		t.Fatalf("user list: %s", l.raw)
	}

	// PUT is an upsert, answered 200 with the view.
	p := e.call(t, "PUT", base+"/user/bob", e.alice, map[string]any{"role": "read"})
	if p.status != 200 || p.field("role") != "read" || p.field("name") != "bob" || p.field("is_org_member") != true {
		t.Fatalf("put user: %d %s", p.status, p.raw)
	}
	if p := e.call(t, "PUT", base+"/user/bob", e.alice, map[string]any{"role": "write"}); p.status != 200 || p.field("role") != "write" {
		t.Fatalf("put user again: %s", p.raw)
	}
	if g := e.call(t, "GET", base+"/user/bob", e.alice, nil); g.status != 200 || g.field("role") != "write" {
		t.Fatalf("get user: %s", g.raw)
	}
	tp := e.call(t, "PUT", base+"/team/builders", e.alice, map[string]any{"role": "read"})
	if tp.status != 200 || tp.field("role") != "read" || tp.field("name") != "builders" {
		t.Fatalf("put team: %s", tp.raw)
	}
	if g := e.call(t, "GET", base+"/team/builders", e.alice, nil); g.status != 200 || g.field("role") != "read" || g.field("name") != nil {
		t.Fatalf("get team shows the role only: %s", g.raw)
	}

	// Refusals, in Quay's words and shapes.
	expectProblem(t, e.call(t, "PUT", base+"/user/bob", e.alice, map[string]any{"role": "owner"}), 400, "invalid_request", "'owner' is not one of ['read', 'write', 'admin']")
	expectProblem(t, e.call(t, "PUT", base+"/user/acme", e.alice, map[string]any{"role": "read"}), 400, "invalid_request", "Namespace owner must always be admin.")
	expectProblem(t, e.call(t, "PUT", base+"/user/nobody", e.alice, map[string]any{"role": "read"}), 400, "invalid_request", "Invalid username: nobody")
	expectProblem(t, e.call(t, "PUT", base+"/team/nope", e.alice, map[string]any{"role": "read"}), 400, "invalid_request", "No team nope in organization acme")
	expectMessage(t, e.call(t, "GET", base+"/user/admin", e.alice, nil), 400, "User does not have permission for repo.")
	expectMessage(t, e.call(t, "GET", base+"/team/nope", e.alice, nil), 400, "Team does not have permission for repo.")
	expectProblem(t, e.call(t, "DELETE", base+"/user/admin", e.alice, nil), 400, "invalid_request", "User does not have permission for repo.")
	expectProblem(t, e.call(t, "DELETE", base+"/team/nope", e.alice, nil), 400, "invalid_request", "Team does not have permission for repo.")
	// Only repository admins; the check comes before the body's.
	expectProblem(t, e.call(t, "PUT", base+"/user/bob", e.bob, map[string]any{"role": "owner"}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", base+"/user/", e.bob, nil), 403, "insufficient_scope", "Unauthorized")

	// A missing repository: empty lists, 400 for one grant, 500 for a PUT.
	missing := "/api/v1/repository/acme/nope/permissions"
	if l := e.call(t, "GET", missing+"/team/", e.alice, nil); l.status != 200 || len(l.field("permissions").(map[string]any)) != 0 {
		t.Fatalf("missing repo list: %s", l.raw)
	}
	expectMessage(t, e.call(t, "GET", missing+"/user/alice", e.alice, nil), 400, "User does not have permission for repo.")
	if p := e.call(t, "PUT", missing+"/user/bob", e.alice, map[string]any{"role": "read"}); p.status != 500 {
		t.Fatalf("missing repo put: %d %s", p.status, p.raw)
	}

	// The creator's row may go; in a user namespace the owner's may not.
	if d := e.call(t, "DELETE", base+"/user/alice", e.alice, nil); d.status != 204 {
		t.Fatalf("delete creator row: %d %s", d.status, d.raw)
	}
	newRepo(e.bob, "bob", "own")
	expectProblem(t, e.call(t, "DELETE", "/api/v1/repository/bob/own/permissions/user/bob", e.bob, nil), 400, "invalid_request", "Namespace owner must always be admin.")
	expectProblem(t, e.call(t, "PUT", "/api/v1/repository/bob/own/permissions/user/bob", e.bob, map[string]any{"role": "read"}), 400, "invalid_request", "Namespace owner must always be admin.")
	expectProblem(t, e.call(t, "PUT", "/api/v1/repository/bob/own/permissions/team/builders", e.bob, map[string]any{"role": "read"}), 400, "invalid_request", "No team builders in organization bob")

	// A team's rows go with the team; a user's with their leaving the org.
	e.call(t, "DELETE", "/api/v1/organization/acme/team/builders", e.alice, nil)
	if got := e.srv.RepositoryGrants("acme", "app"); !slices.Equal(got, []string{"user:bob=write"}) {
		t.Fatalf("after team delete: %v", got)
	}
	e.call(t, "DELETE", "/api/v1/organization/acme/members/bob", e.alice, nil)
	if got := e.srv.RepositoryGrants("acme", "app"); len(got) != 0 {
		t.Fatalf("after member removal: %v", got)
	}
	// A re-created repository starts with the creator's row only.
	e.call(t, "PUT", base+"/user/bob", e.alice, map[string]any{"role": "read"})
	e.call(t, "DELETE", "/api/v1/repository/acme/app", e.alice, nil)
	newRepo(e.alice, "acme", "app")
	if got := e.srv.RepositoryGrants("acme", "app"); !slices.Equal(got, []string{"user:alice=admin"}) {
		t.Fatalf("re-created: %v", got)
	}
}

func TestDefaultPermissionsApplyAtCreate(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders", e.alice, map[string]any{"role": "member"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/owners/members/bob", e.alice, nil)
	protos := "/api/v1/organization/acme/prototypes"
	e.call(t, "POST", protos, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "team", "name": "builders"}})
	e.call(t, "POST", protos, e.alice, map[string]any{"role": "admin", "delegate": map[string]any{"kind": "team", "name": "builders"}, "activating_user": map[string]any{"name": "bob"}})
	e.call(t, "POST", protos, e.alice, map[string]any{"role": "write", "delegate": map[string]any{"kind": "team", "name": "builders"}})
	e.call(t, "POST", protos, e.alice, map[string]any{"role": "write", "delegate": map[string]any{"kind": "user", "name": "admin"}})
	e.call(t, "POST", protos, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "alice"}})

	create := func(token, name string) []string {
		e.call(t, "POST", "/api/v1/repository", token, map[string]any{"namespace": "acme", "repository": name, "visibility": "private", "description": ""})
		return e.srv.RepositoryGrants("acme", name)
	}
	// Anybody's: the first generic one per delegate; the creator keeps admin.
	if got := create(e.alice, "one"); !slices.Equal(got, []string{"team:builders=read", "user:admin=write", "user:alice=admin"}) {
		t.Fatalf("alice's repository: %v", got)
	}
	// Bob's: the one for bob wins over the generic ones.
	if got := create(e.bob, "two"); !slices.Equal(got, []string{"team:builders=admin", "user:admin=write", "user:alice=read", "user:bob=admin"}) {
		t.Fatalf("bob's repository: %v", got)
	}
}

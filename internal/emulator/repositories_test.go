package emulator

import (
	"fmt"
	"testing"
)

func TestRepositoryCreateViewUpdateDelete(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	var created []string
	repositoryCreateHooks = append(repositoryCreateHooks, func(_ *Server, ns, name, creator string) {
		created = append(created, ns+"/"+name+" by "+creator)
	})
	var deleted []string
	repositoryDeleteHooks = append(repositoryDeleteHooks, func(_ *Server, ns, name string) { deleted = append(deleted, ns+"/"+name) })
	t.Cleanup(func() {
		repositoryCreateHooks = repositoryCreateHooks[:len(repositoryCreateHooks)-1]
		repositoryDeleteHooks = repositoryDeleteHooks[:len(repositoryDeleteHooks)-1]
	})

	// The body schema comes first, then the permission, then the name.
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private"}),
		400, "invalid_request", "'description' is a required property")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "hidden", "description": ""}),
		400, "invalid_request", "'hidden' is not one of ['public', 'private']")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.bob, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""}),
		403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "App", "visibility": "private", "description": ""}),
		400, "invalid_request", "Invalid repository name")

	a := e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "team/app", "visibility": "private", "description": "hello"})
	if a.status != 201 || a.field("name") != "team/app" || a.field("namespace") != "acme" || a.field("kind") != "image" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	e.srv.mu.Lock()
	exists := e.srv.repositoryExists("acme", "team/app")
	e.srv.mu.Unlock()
	if !exists || len(created) != 1 || created[0] != "acme/team/app by alice" {
		t.Fatalf("create hooks: %v", created)
	}
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "team/app", "visibility": "public", "description": ""}),
		400, "invalid_request", "Repository already exists")

	path := "/api/v1/repository/acme/team/app"
	a = e.call(t, "GET", path+"?includeTags=false", e.alice, nil)
	if a.status != 200 || a.field("description") != "hello" || a.field("is_public") != false || a.field("state") != "NORMAL" ||
		a.field("can_admin") != true || a.field("is_organization") != true || a.field("tags") != nil {
		t.Fatalf("view: %d %s", a.status, a.raw)
	}
	// bob has no rights: a private repository, and a missing one, are 403.
	expectProblem(t, e.call(t, "GET", path, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", "/api/v1/repository/acme/nosuch", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", "/api/v1/repository/acme/nosuch", e.alice, nil), 404, "not_found", "Not Found")

	if a := e.call(t, "PUT", path, e.alice, map[string]any{"description": ""}); a.status != 200 || a.field("success") != true {
		t.Fatalf("description: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "PUT", path, e.alice, map[string]any{"description": nil}), 400, "invalid_request", "None is not of type 'string'")
	if a := e.call(t, "POST", path+"/changevisibility", e.alice, map[string]any{"visibility": "public"}); a.status != 200 {
		t.Fatalf("visibility: %d %s", a.status, a.raw)
	}
	// A missing repository: 200 with a null body.
	if a := e.call(t, "POST", "/api/v1/repository/acme/nosuch/changevisibility", e.alice, map[string]any{"visibility": "public"}); a.status != 200 || a.raw != "null\n" {
		t.Fatalf("visibility of a missing repository: %d %q", a.status, a.raw)
	}
	if a := e.call(t, "PUT", path+"/changestate", e.alice, map[string]any{"state": "READ_ONLY"}); a.status != 200 {
		t.Fatalf("state: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "PUT", path+"/changestate", e.alice, map[string]any{"state": "ORG_MIRROR"}), 400, "invalid_request",
		"'ORG_MIRROR' is not one of ['NORMAL', 'READ_ONLY', 'MIRROR']")
	// Now public: bob reads it, anonymous too, but may not change it.
	a = e.call(t, "GET", path, e.bob, nil)
	if a.status != 200 || a.field("description") != "" || a.field("is_public") != true || a.field("state") != "READ_ONLY" || a.field("can_write") != false || a.field("can_admin") != false {
		t.Fatalf("public view: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "GET", path, "", nil); a.status != 200 {
		t.Fatalf("anonymous view: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", path, e.bob, nil), 403, "insufficient_scope", "Unauthorized")

	if a := e.call(t, "DELETE", path, e.alice, nil); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	if len(deleted) != 1 || deleted[0] != "acme/team/app" {
		t.Fatalf("delete hooks: %v", deleted)
	}
	// Gone at once, deleting again is 204, and the name is free.
	expectProblem(t, e.call(t, "GET", path, e.alice, nil), 404, "not_found", "Not Found")
	if a := e.call(t, "DELETE", path, e.alice, nil); a.status != 204 {
		t.Fatalf("second delete: %d %s", a.status, a.raw)
	}
	a = e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "team/app", "visibility": "private", "description": ""})
	if a.status != 201 {
		t.Fatalf("re-create: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "GET", path, e.alice, nil); a.field("is_public") != false || a.field("state") != "NORMAL" {
		t.Fatalf("re-created view: %s", a.raw)
	}
}

func TestRepositoryCreatePermissions(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders", e.alice, map[string]any{"role": "creator"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders/members/bob", e.alice, nil)
	body := func(ns, name string) map[string]any {
		m := map[string]any{"repository": name, "visibility": "private", "description": ""}
		if ns != "" {
			m["namespace"] = ns
		}
		return m
	}
	// A creator team may create; its member then administers what it made
	// only through the creator's own permission (hooks), not the team.
	if a := e.call(t, "POST", "/api/v1/repository", e.bob, body("acme", "built")); a.status != 201 {
		t.Fatalf("creator team: %d %s", a.status, a.raw)
	}
	// The own user namespace is the default.
	if a := e.call(t, "POST", "/api/v1/repository", e.bob, body("", "mine")); a.status != 201 || a.field("namespace") != "bob" {
		t.Fatalf("user namespace: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, body("bob", "theirs")), 403, "insufficient_scope", "Unauthorized")
	// A full-access superuser creates anywhere; a missing namespace crashes.
	if a := e.call(t, "POST", "/api/v1/repository", e.admin, body("bob", "given")); a.status != 201 {
		t.Fatalf("superuser: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "POST", "/api/v1/repository", e.admin, body("nosuch", "x")); a.status != 500 {
		t.Fatalf("superuser, missing namespace: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, body("nosuch", "x")), 403, "insufficient_scope", "Unauthorized")
	// A token without repo:create or org:admin cannot.
	readOnly := e.srv.IssueToken("bob", "repo:read")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", readOnly, body("", "nope")), 403, "insufficient_scope", "Unauthorized")
	// Deleting the organization deletes its repositories.
	e.call(t, "DELETE", "/api/v1/organization/acme", e.alice, nil)
	if got := e.srv.Repositories(); fmt.Sprint(got) != "[bob/given bob/mine]" {
		t.Fatalf("repositories after the org delete: %v", got)
	}
}

func TestRepositoryList(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	for i := 0; i < 205; i++ {
		vis := "private"
		if i%2 == 0 {
			vis = "public"
		}
		e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": fmt.Sprintf("r%03d", i), "visibility": vis, "description": "d"})
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/repository", e.alice, nil), 400, "invalid_request", "namespace, starred or public are required for this API call")

	names := func(token, query string) ([]string, int) {
		var out []string
		pages := 0
		next := ""
		for {
			q := query
			if next != "" {
				q += "&next_page=" + next
			}
			a := e.call(t, "GET", "/api/v1/repository?"+q, token, nil)
			if a.status != 200 {
				t.Fatalf("list %s: %d %s", q, a.status, a.raw)
			}
			pages++
			for _, r := range a.field("repositories").([]any) {
				out = append(out, r.(map[string]any)["name"].(string))
			}
			n, _ := a.field("next_page").(string)
			if n == "" {
				return out, pages
			}
			next = n
		}
	}
	all, pages := names(e.alice, "namespace=acme")
	if len(all) != 205 || pages != 3 || all[0] != "r000" || all[204] != "r204" {
		t.Fatalf("alice: %d repositories in %d pages", len(all), pages)
	}
	// bob has no rights: nothing, unless public ones are asked for.
	if got, _ := names(e.bob, "namespace=acme"); len(got) != 0 {
		t.Fatalf("bob, namespace only: %d", len(got))
	}
	if got, _ := names(e.bob, "namespace=acme&public=true"); len(got) != 103 {
		t.Fatalf("bob, public: %d", len(got))
	}
	a := e.call(t, "GET", "/api/v1/repository?namespace=acme&last_modified=true&next_page=garbage", e.alice, nil)
	first := a.field("repositories").([]any)[0].(map[string]any)
	if first["name"] != "r000" || first["last_modified"] != nil || first["state"] != "NORMAL" {
		t.Fatalf("bad token restarts, last_modified null: %s", a.raw[:200])
	}
	if _, ok := first["last_modified"]; !ok {
		t.Fatalf("last_modified missing: %v", first)
	}
}

func TestRepositoryRoutesPreferFixedSegments(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	e.srv.ResetCounts()
	e.call(t, "GET", "/api/v1/repository/acme/app/tag/", e.alice, nil)
	e.call(t, "GET", "/api/v1/repository/acme/app", e.alice, nil)
	c := e.srv.Counts()
	if c["GET /api/v1/repository/{repository}/tag/"] != 1 || c["GET /api/v1/repository/{repository}"] != 1 {
		t.Fatalf("counts: %v", c)
	}
}

// A superuser without FEATURE_SUPERUSERS_FULL_ACCESS has no rights on
// other users' private repositories (require_repo_read lets superusers
// through only with full access).
func TestRepositorySuperuserWithoutFullAccess(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Features.SuperusersFullAccess = false })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	expectProblem(t, e.call(t, "GET", "/api/v1/repository/acme/app", e.admin, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "DELETE", "/api/v1/repository/acme/app", e.admin, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.admin, map[string]any{"namespace": "acme", "repository": "x", "visibility": "private", "description": ""}),
		403, "insufficient_scope", "Unauthorized")
}

package emulator

import (
	"regexp"
	"strings"
	"testing"
)

func TestPrototypes(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/builders", e.alice, map[string]any{"role": "member"})
	base := "/api/v1/organization/acme/prototypes"

	a := e.call(t, "POST", base, e.alice, map[string]any{"role": "write", "delegate": map[string]any{"kind": "team", "name": "builders"}})
	id, _ := a.field("id").(string)
	if a.status != 200 || !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(id) || a.field("role") != "write" || a.field("activating_user") != nil {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	if d, _ := a.field("delegate").(map[string]any); d["kind"] != "team" || d["name"] != "builders" {
		t.Fatalf("delegate view: %s", a.raw)
	}
	// Identical prototypes are accepted, each with its own id.
	if b := e.call(t, "POST", base, e.alice, map[string]any{"role": "write", "delegate": map[string]any{"kind": "team", "name": "builders"}}); b.status != 200 || b.field("id") == id {
		t.Fatalf("duplicate: %s", b.raw)
	}
	u := e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "bob"}, "activating_user": map[string]any{"name": "alice"}})
	if u.status != 200 {
		t.Fatalf("user delegate: %s", u.raw)
	}
	if d, _ := u.field("delegate").(map[string]any); d["kind"] != "user" || d["is_robot"] != false || d["is_org_member"] != false {
		t.Fatalf("user delegate view: %s", u.raw)
	}
	if au, _ := u.field("activating_user").(map[string]any); au["name"] != "alice" || au["is_org_member"] != true {
		t.Fatalf("activating user view: %s", u.raw)
	}

	// Body checks come first, then the permission, then the accounts, in Quay's order.
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read"}), 400, "invalid_request", "'delegate' is a required property")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "owner", "delegate": map[string]any{"kind": "team", "name": "builders"}}), 400, "invalid_request", "'owner' is not one of ['read', 'write', 'admin']")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "robot", "name": "x"}}), 400, "invalid_request", "'robot' is not one of ['user', 'team']")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"name": "x"}}), 400, "invalid_request", "'kind' is a required property")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "bob"}, "activating_user": nil}), 400, "invalid_request", "None is not of type 'object'")
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "bob"}}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "nobody"}}), 400, "invalid_request", "Missing delegate user or team")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "acme"}}), 400, "invalid_request", "Missing delegate user or team")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "user", "name": "bob"}, "activating_user": map[string]any{"name": "nobody"}}), 400, "invalid_request", "Unknown activating user")
	// An unknown team fails in the lookup, before the activating user is checked.
	expectMessage(t, e.call(t, "POST", base, e.alice, map[string]any{"role": "read", "delegate": map[string]any{"kind": "team", "name": "nope"}, "activating_user": map[string]any{"name": "nobody"}}), 400,
		"('Team does not exist: %s/%s', 'acme', 'nope')")

	// Lists are per organization; a missing org is 403 unless the caller is a full-access superuser.
	if l := e.call(t, "GET", base, e.alice, nil); l.status != 200 || len(l.field("prototypes").([]any)) != 3 {
		t.Fatalf("list: %s", l.raw)
	}
	expectProblem(t, e.call(t, "GET", base, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/nosuch/prototypes", e.alice, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/nosuch/prototypes", e.admin, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/alice/prototypes", e.alice, nil), 404, "not_found", "Not Found")
	if strings.Contains(e.call(t, "GET", "/api/v1/organization/acme/prototypes/"+id, e.alice, nil).raw, id) {
		t.Fatal("there is no single-prototype GET")
	}

	// Update changes the role only.
	p := e.call(t, "PUT", base+"/"+id, e.alice, map[string]any{"role": "admin"})
	if p.status != 200 || p.field("role") != "admin" || p.field("id") != id {
		t.Fatalf("update: %s", p.raw)
	}
	expectProblem(t, e.call(t, "PUT", base+"/"+id, e.alice, map[string]any{}), 400, "invalid_request", "'role' is a required property")
	expectProblem(t, e.call(t, "PUT", base+"/nope", e.alice, map[string]any{"role": "read"}), 404, "not_found", "Not Found")

	if d := e.call(t, "DELETE", base+"/"+id, e.alice, nil); d.status != 204 {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}
	expectProblem(t, e.call(t, "DELETE", base+"/"+id, e.alice, nil), 404, "not_found", "Not Found")

	// Deleting the delegate team deletes its prototypes.
	e.call(t, "DELETE", "/api/v1/organization/acme/team/builders", e.alice, nil)
	if got := e.srv.Prototypes("acme"); len(got) != 1 || got[0] != "read user:bob by alice" {
		t.Fatalf("after team delete: %v", got)
	}
}

package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// expectCSRF asserts Quay's answer to a write without a valid OAuth token:
// 403 with the one key "error" (endpoints/csrf.py verify_csrf, through
// util/http.py abort, whose body Flask sends as text/html).
func expectCSRF(t *testing.T, a apiAnswer) {
	t.Helper()
	m, _ := a.body.(map[string]any)
	if a.status != 403 || len(m) != 1 || m["error"] != "CSRF token was invalid or missing." {
		t.Fatalf("got %d %s, want 403 {\"error\": \"CSRF token was invalid or missing.\"}", a.status, a.raw)
	}
	if !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Errorf("content type %q, want Flask's text/html", a.header.Get("Content-Type"))
	}
}

// TestAnonymousWritesFailCSRF pins issue 14 item 1 for every write route
// the emulator serves: endpoints/api/__init__.py puts csrf_protect in front
// of every API resource, after process_oauth (auth/decorators.py), which
// leaves a missing, unknown or disabled user's token anonymous. Only GET and
// HEAD pass; the check runs before any body, schema or permission check.
func TestAnonymousWritesFailCSRF(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Features.Mailing = true })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.srv.AddUser("gone", "gone@example.com", false)
	disabled := e.srv.IssueToken("gone")
	e.call(t, "PUT", "/api/v1/superuser/users/gone", e.admin, map[string]any{"enabled": false})

	writes := 0
	for method, routes := range e.srv.routes.byMethod {
		if method == http.MethodGet {
			continue
		}
		for _, rt := range routes {
			if rt.web {
				continue
			}
			path := strings.NewReplacer("{orgname}", "acme", "{namespace}", "acme", "{teamname}", "owners",
				"{membername}", "alice", "{username}", "alice", "{client_id}", "X", "{quota_id}", "1",
				"{limit_id}", "1", "{kid}", "k", "{email}", "a@example.com").Replace(rt.pattern)
			for _, tok := range []string{"", "NOTATOKEN", disabled} {
				expectCSRF(t, e.call(t, method, path, tok, map[string]any{"bad": true}))
			}
			writes++
		}
	}
	if writes < 30 {
		t.Fatalf("only %d write routes checked", writes)
	}
	// Reads stay anonymous reads (quay-api.md §1.2).
	if a := e.call(t, "GET", "/api/v1/organization/acme", "", nil); a.status != 200 {
		t.Fatalf("anonymous read: %d %s", a.status, a.raw)
	}
	// The first-user route is a web route (endpoints/web.py), outside the check.
	if a := e.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{"username": "x", "password": "password123"}); a.status == 403 {
		t.Fatalf("initialize hit the CSRF check: %s", a.raw)
	}
}

// TestSessionRequired pins issue 14 item 2: only GET /api/v1/user/ raises
// its 401 itself with the payload session_required (endpoints/api/user.py,
// User.get); the permission decorators' Unauthorized (endpoints/exception.py)
// carries the six problem keys alone.
func TestSessionRequired(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	readOnly := e.srv.IssueToken("alice", "repo:read")
	for _, tok := range []string{"", "NOTATOKEN", readOnly} {
		a := e.call(t, "GET", "/api/v1/user/", tok, nil)
		expectProblem(t, a, 401, "invalid_token", "Requires authentication")
		if a.field("session_required") != false {
			t.Fatalf("GET /user/ lacks session_required: %s", a.raw)
		}
	}
	a := e.call(t, "GET", "/api/v1/superuser/users/", "", nil)
	expectProblem(t, a, 401, "invalid_token", "Requires authentication")
	if m := a.body.(map[string]any); len(m) != 6 {
		t.Fatalf("superuser 401 has keys beyond the problem's six: %s", a.raw)
	}
}

// TestAnonymousAccessOff: with FEATURE_ANONYMOUS_ACCESS off every API
// method refuses anonymous callers with 401 {"error"} unless it is marked
// @anon_allowed (endpoints/decorators.py check_anon_protection), as GET
// /user/ and the discovery document are; writes meet the CSRF check first.
func TestAnonymousAccessOff(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Features.AnonymousAccess = false })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	for _, p := range []string{"/api/v1/organization/acme", "/api/v1/users/alice", "/api/v1/app/X"} {
		if a := e.call(t, "GET", p, "", nil); a.status != 401 || a.field("error") != "Anonymous access is not allowed" {
			t.Fatalf("GET %s: %d %s", p, a.status, a.raw)
		}
	}
	if a := e.call(t, "GET", "/api/v1/discovery", "", nil); a.status != 200 {
		t.Fatalf("discovery: %d", a.status)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/user/", "", nil), 401, "invalid_token", "Requires authentication")
	expectCSRF(t, e.call(t, "PUT", "/api/v1/organization/acme", "", map[string]any{}))
	if a := e.call(t, "GET", "/api/v1/organization/acme", e.bob, nil); a.status != 200 {
		t.Fatalf("signed-in read: %d", a.status)
	}
}

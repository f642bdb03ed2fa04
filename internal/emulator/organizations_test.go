package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// orgTestEnv is an emulator with a superuser "admin" (full access) and a
// plain user "alice", each with an all-scopes token.
type orgTestEnv struct {
	srv   *Server
	http  *httptest.Server
	admin string
	alice string
	bob   string
}

func newOrgTestEnv(t *testing.T, mutate func(*Config)) *orgTestEnv {
	t.Helper()
	cfg := DefaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	s := New(cfg)
	s.AddUser("admin", "admin@example.com", true)
	s.AddUser("alice", "alice@example.com", false)
	s.AddUser("bob", "bob@example.com", false)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &orgTestEnv{srv: s, http: hs, admin: s.IssueToken("admin"), alice: s.IssueToken("alice"), bob: s.IssueToken("bob")}
}

type apiAnswer struct {
	status int
	header http.Header
	raw    string
	body   any
}

// field returns a top-level field of a JSON object answer.
func (a apiAnswer) field(name string) any {
	m, _ := a.body.(map[string]any)
	return m[name]
}

func (e *orgTestEnv) call(t *testing.T, method, path, token string, body any) apiAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.http.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := apiAnswer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// expectProblem asserts a problem-JSON error with the given status, type and detail.
func expectProblem(t *testing.T, a apiAnswer, status int, errType, detail string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.raw)
	}
	for _, k := range []string{"detail", "error_message", "error_type", "title", "type", "status"} {
		if a.field(k) == nil {
			t.Fatalf("problem body lacks %q: %s", k, a.raw)
		}
	}
	if a.field("error_type") != errType || a.field("title") != errType {
		t.Errorf("error_type = %v, want %s", a.field("error_type"), errType)
	}
	if got, _ := a.field("detail").(string); !strings.HasPrefix(got, detail) {
		t.Errorf("detail = %q, want prefix %q", got, detail)
	}
	if got, _ := a.field("status").(float64); int(got) != status {
		t.Errorf("status field = %v, want %d", a.field("status"), status)
	}
	if !strings.HasSuffix(a.field("type").(string), "/api/v1/error/"+errType) {
		t.Errorf("type = %v", a.field("type"))
	}
}

// expectMessage asserts a {"message": ...} error body.
func expectMessage(t *testing.T, a apiAnswer, status int, msg string) {
	t.Helper()
	if a.status != status || a.field("message") != msg {
		t.Fatalf("got %d %s, want %d {\"message\": %q}", a.status, a.raw, status, msg)
	}
}

func TestOrganizationCreate(t *testing.T) {
	e := newOrgTestEnv(t, nil)

	a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme", "email": "acme@example.com"})
	if a.status != 201 || strings.TrimSpace(a.raw) != `"Created"` || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		t.Fatalf("create: %d %q %s", a.status, a.raw, a.header.Get("Content-Type"))
	}

	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"}),
		400, "invalid_request", "A user or organization with this name already exists")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "alice"}),
		400, "invalid_request", "A user or organization with this name already exists")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "Bad_Name"}),
		400, "invalid_request", "Invalid namespace Bad_Name: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "a"}),
		400, "invalid_request", "Invalid namespace a: Namespace must be between 2 and 255 characters in length")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "other", "email": "nope"}),
		400, "invalid_request", "Invalid email address")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "other", "email": "bob@example.com"}),
		400, "invalid_request", "Email has already been used: bob@example.com")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"email": "x@example.com"}),
		400, "invalid_request", "'name' is a required property")
	// Writes without a valid token stop at the CSRF check (csrf_test.go).
	expectCSRF(t, e.call(t, "POST", "/api/v1/organization/", "", map[string]any{"name": "anon"}))
	expectCSRF(t, e.call(t, "POST", "/api/v1/organization/", "NOTATOKEN", map[string]any{"name": "anon"}))

	// Orgs may share an e-mail (only users' addresses are unique).
	if a := e.call(t, "POST", "/api/v1/organization/", e.bob, map[string]any{"name": "acme2", "email": "acme@example.com"}); a.status != 201 {
		t.Fatalf("second org with the same e-mail: %d %s", a.status, a.raw)
	}

	// The creator lands in an "owners" admin team.
	view := e.call(t, "GET", "/api/v1/organization/acme", e.alice, nil)
	teams, _ := view.field("teams").(map[string]any)
	owners, _ := teams["owners"].(map[string]any)
	if owners["role"] != "admin" || owners["member_count"] != float64(1) {
		t.Fatalf("owners team: %v", owners)
	}
	if view.field("tag_expiration_s") != float64(1209600) {
		t.Errorf("default tag_expiration_s = %v", view.field("tag_expiration_s"))
	}
}

func TestOrganizationCreateBodyChecks(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/organization/", strings.NewReader(`{"name":"x1"}`))
	req.Header.Set("Authorization", "Bearer "+e.alice)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 415 || !strings.Contains(string(raw), "Did not attempt to load JSON data") {
		t.Fatalf("wrong content type: %d %s", resp.StatusCode, raw)
	}

	req, _ = http.NewRequest("POST", e.http.URL+"/api/v1/organization/", strings.NewReader(`{"name":`))
	req.Header.Set("Authorization", "Bearer "+e.alice)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(raw), "could not understand") {
		t.Fatalf("malformed JSON: %d %s", resp.StatusCode, raw)
	}
}

func TestOrganizationGetViews(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme", "email": "acme@example.com"})

	expectProblem(t, e.call(t, "GET", "/api/v1/organization/nosuch", e.alice, nil), 404, "not_found", "Not Found")
	// A user namespace is not an organization.
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/bob", e.alice, nil), 404, "not_found", "Not Found")

	admin := e.call(t, "GET", "/api/v1/organization/acme", e.alice, nil)
	if admin.status != 200 || admin.field("email") != "acme@example.com" || admin.field("is_admin") != true {
		t.Fatalf("admin view: %s", admin.raw)
	}
	for _, k := range []string{"invoice_email", "invoice_email_address", "tag_expiration_s", "is_free_account", "teams", "ordered_teams", "quotas", "quota_report", "avatar"} {
		if _, ok := admin.body.(map[string]any)[k]; !ok {
			t.Errorf("admin view lacks %q", k)
		}
	}

	// Anonymous callers and outsiders get the reduced view with a 200.
	for _, token := range []string{"", "BOGUS", e.bob} {
		v := e.call(t, "GET", "/api/v1/organization/acme", token, nil)
		if v.status != 200 || v.field("email") != "" || v.field("is_admin") != false {
			t.Fatalf("reduced view (%q): %s", token, v.raw)
		}
		for _, k := range []string{"teams", "tag_expiration_s", "invoice_email"} {
			if _, ok := v.body.(map[string]any)[k]; ok {
				t.Errorf("reduced view shows %q", k)
			}
		}
	}

	// A full-access superuser sees everything of an org it is not in.
	su := e.call(t, "GET", "/api/v1/organization/acme", e.admin, nil)
	if su.field("is_admin") != true || su.field("tag_expiration_s") == nil {
		t.Fatalf("superuser view: %s", su.raw)
	}
}

func TestOrganizationUpdate(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})

	a := e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{
		"email": "team@example.com", "invoice_email": true, "invoice_email_address": "bill@example.com", "tag_expiration_s": 86400,
	})
	if a.status != 200 || a.field("email") != "team@example.com" || a.field("invoice_email") != true ||
		a.field("invoice_email_address") != "bill@example.com" || a.field("tag_expiration_s") != float64(86400) || a.field("teams") == nil {
		t.Fatalf("update: %d %s", a.status, a.raw)
	}

	// "" clears the address (stored as null) and the e-mail (reads back "").
	a = e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{"invoice_email_address": "", "email": ""})
	if a.field("invoice_email_address") != nil || a.field("email") != "" {
		t.Fatalf("clear: %s", a.raw)
	}

	// Not atomic: invoice_email is saved before tag_expiration_s fails.
	expectMessage(t, e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{"invoice_email": false, "tag_expiration_s": 12345}),
		400, "Invalid tag expiration option")
	if v := e.call(t, "GET", "/api/v1/organization/acme", e.alice, nil); v.field("invoice_email") != false || v.field("tag_expiration_s") != float64(86400) {
		t.Fatalf("after partial update: %s", v.raw)
	}

	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{"email": "bad"}), 400, "invalid_request", "Invalid email address")
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{"tag_expiration_s": -1}), 400, "invalid_request", "-1 is less than the minimum of 0")
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme", e.bob, map[string]any{"invoice_email": true}), 403, "insufficient_scope", "Unauthorized")
	// Non-superusers get 403 for a missing org; full-access superusers 404.
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/nosuch", e.bob, map[string]any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/nosuch", e.admin, map[string]any{}), 404, "not_found", "Not Found")
}

func TestOrganizationTagExpirationIgnoredWhenFeatureOff(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Features.ChangeTagExpiration = false })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	a := e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{"tag_expiration_s": 12345})
	if a.status != 200 || a.field("tag_expiration_s") != float64(1209600) {
		t.Fatalf("expected silent ignore: %d %s", a.status, a.raw)
	}
}

func TestOrganizationDelete(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	if a := e.call(t, "DELETE", "/api/v1/organization/acme", e.alice, nil); a.status != 204 || a.raw != "" {
		t.Fatalf("delete: %d %q", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme", e.alice, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme", e.alice, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme", e.admin, nil), 404, "not_found", "Not Found")
	// The name is free again once the namespace GC has purged the org.
	e.srv.RunNamespaceGC()
	if a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"}); a.status != 201 {
		t.Fatalf("recreate: %d %s", a.status, a.raw)
	}
}

// TestDeletedNamesStayReserved: after 3.18.0 the name of a deleted
// organization or user is refused, for organizations and users alike,
// until the namespace GC purges it; its e-mail address is free at once.
func TestDeletedNamesStayReserved(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.NamespaceGCDelay = -1 })
	orgs, users := "/api/v1/organization/", "/api/v1/superuser/users/"
	e.call(t, "POST", orgs, e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", users, e.admin, map[string]any{"username": "carol", "email": "carol@example.com"})
	e.call(t, "DELETE", orgs+"acme", e.alice, nil)
	e.call(t, "DELETE", users+"carol", e.admin, nil)

	for _, name := range []string{"acme", "carol"} {
		expectProblem(t, e.call(t, "POST", orgs, e.alice, map[string]any{"name": name}), 400, "invalid_request", "Username is not available")
		expectMessage(t, e.call(t, "POST", users, e.admin, map[string]any{"username": name}), 400, "Username is not available")
		expectProblem(t, e.call(t, "GET", orgs+name, e.alice, nil), 404, "not_found", "Not Found")
		expectProblem(t, e.call(t, "GET", users+name, e.admin, nil), 404, "not_found", "Not Found")
	}
	// Checks that come first in Quay still win over the reservation.
	expectProblem(t, e.call(t, "POST", orgs, e.alice, map[string]any{"name": "acme", "email": "bad"}), 400, "invalid_request", "Invalid email address")
	expectProblem(t, e.call(t, "POST", orgs, e.alice, map[string]any{"name": "acme", "email": "bob@example.com"}), 400, "invalid_request", "Email has already been used: bob@example.com")
	// The deleted user's address is not reserved.
	if a := e.call(t, "POST", users, e.admin, map[string]any{"username": "carol2", "email": "carol@example.com"}); a.status != 200 {
		t.Fatalf("reuse of a deleted user's e-mail: %d %s", a.status, a.raw)
	}

	e.srv.RunNamespaceGC("acme")
	if a := e.call(t, "POST", users, e.admin, map[string]any{"username": "acme"}); a.status != 200 {
		t.Fatalf("user with a purged org's name: %d %s", a.status, a.raw)
	}
	expectMessage(t, e.call(t, "POST", users, e.admin, map[string]any{"username": "carol"}), 400, "Username is not available")
	e.srv.RunNamespaceGC()
	if a := e.call(t, "POST", orgs, e.alice, map[string]any{"name": "carol"}); a.status != 201 {
		t.Fatalf("org with a purged user's name: %d %s", a.status, a.raw)
	}
}

// TestNamespaceGCDelay: by default the simulated GC frees a name after a
// short delay; a set delay applies; Quay 3.18.0 and older free it at once.
func TestNamespaceGCDelay(t *testing.T) {
	cases := []struct {
		name  string
		cfg   func(*Config)
		delay time.Duration
	}{
		{"default", nil, DefaultNamespaceGCDelay},
		{"set", func(c *Config) { c.NamespaceGCDelay = 300 * time.Millisecond }, 300 * time.Millisecond},
		{"3.18.0", func(c *Config) { c.ReuseDeletedNames = true }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newOrgTestEnv(t, tc.cfg)
			e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
			deleted := time.Now()
			e.call(t, "DELETE", "/api/v1/organization/acme", e.alice, nil)
			for {
				a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
				if a.status == 201 {
					break
				}
				expectProblem(t, a, 400, "invalid_request", "Username is not available")
				if time.Since(deleted) > tc.delay+5*time.Second {
					t.Fatalf("name still reserved %s after the delete", time.Since(deleted))
				}
				time.Sleep(20 * time.Millisecond)
			}
			if got := time.Since(deleted); got < tc.delay {
				t.Errorf("name freed after %s, want at least %s", got, tc.delay)
			}
		})
	}
}

func TestRoutingQuirks(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	// Registered with a slash, called without: 308 to the slash form.
	a := e.call(t, "POST", "/api/v1/organization", e.alice, map[string]any{"name": "acme"})
	if a.status != 308 || a.header.Get("Location") != "/api/v1/organization/" {
		t.Fatalf("308: %d %v", a.status, a.header)
	}
	// Registered without a slash, called with one: the HTML catch-all.
	a = e.call(t, "GET", "/api/v1/organization/acme/", e.alice, nil)
	if a.status != 404 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Fatalf("catch-all GET: %d %s", a.status, a.header.Get("Content-Type"))
	}
	a = e.call(t, "POST", "/api/v1/nosuch", e.alice, map[string]any{})
	if a.status != 405 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Fatalf("catch-all POST: %d %s", a.status, a.header.Get("Content-Type"))
	}
	// A known path with a method it does not define: 405 {"message"}.
	expectMessage(t, e.call(t, "POST", "/api/v1/organization/acme", e.alice, map[string]any{}), 405, "The method is not allowed for the requested URL.")
}

func TestSelfAndConfig(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	a := e.call(t, "GET", "/api/v1/user/", e.admin, nil)
	if a.status != 200 || a.field("username") != "admin" || a.field("super_user") != true || a.field("anonymous") != false {
		t.Fatalf("self: %s", a.raw)
	}
	if a := e.call(t, "GET", "/api/v1/user/", e.alice, nil); a.field("super_user") != nil {
		t.Fatalf("non-superuser shows super_user: %s", a.raw)
	}
	a = e.call(t, "GET", "/api/v1/user/", "BOGUS", nil)
	expectProblem(t, a, 401, "invalid_token", "Requires authentication")
	if a.field("session_required") != false {
		t.Errorf("401 lacks session_required: %s", a.raw)
	}
	// A token without super:user does not act as superuser.
	limited := e.srv.IssueToken("admin", "user:read", "org:admin")
	if a := e.call(t, "GET", "/api/v1/user/", limited, nil); a.field("super_user") != nil {
		t.Fatalf("superuser without super:user scope: %s", a.raw)
	}

	cfg := e.call(t, "GET", "/config", "", nil)
	features, _ := cfg.field("features").(map[string]any)
	if cfg.status != 200 || features["PROXY_CACHE"] != true || features["MAILING"] != false || cfg.field("registry_state") != "normal" {
		t.Fatalf("config: %s", cfg.raw)
	}
	opts := cfg.field("config").(map[string]any)["TAG_EXPIRATION_OPTIONS"]
	if b, _ := json.Marshal(opts); string(b) != `["0s","1d","1w","2w","4w"]` {
		t.Errorf("TAG_EXPIRATION_OPTIONS = %s", b)
	}

	disc := e.call(t, "GET", "/api/v1/discovery", "", nil)
	paths, _ := disc.field("paths").(map[string]any)
	if _, ok := paths["/api/v1/organization/{orgname}"]; !ok {
		t.Fatalf("discovery lacks the org path: %v", paths)
	}
}

func TestUserInitialize(t *testing.T) {
	cfg := DefaultConfig()
	s := New(cfg)
	hs := httptest.NewServer(s)
	defer hs.Close()
	e := &orgTestEnv{srv: s, http: hs}
	expectMessage(t, e.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{"username": "first", "password": "short"}),
		400, "Failed to initialize user: Invalid password, password must be at least 8 characters and contain no whitespace.")
	a := e.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{"username": "first", "password": "password123", "access_token": true})
	tok, _ := a.field("access_token").(string)
	if a.status != 200 || a.field("username") != "first" || len(tok) != 40 {
		t.Fatalf("initialize: %s", a.raw)
	}
	if me := e.call(t, "GET", "/api/v1/user/", tok, nil); me.field("username") != "first" {
		t.Fatalf("token from initialize: %s", me.raw)
	}
	expectMessage(t, e.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{"username": "second", "password": "password123"}),
		400, "Cannot initialize user in a non-empty database")

	off := DefaultConfig()
	off.Features.UserInitialize = false
	hs2 := httptest.NewServer(New(off))
	defer hs2.Close()
	e2 := &orgTestEnv{http: hs2}
	// A web route (endpoints/web.py) behind route_show_if: it stays, and aborts 404.
	if a := e2.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{}); a.status != 404 || a.field("error") != "Not Found" {
		t.Fatalf("flag off: %d %s", a.status, a.raw)
	}
}

// TestOrganizationBodySchema pins validate_json_request on the org
// endpoints (endpoints/api/organization.py): a body that is not an object
// is jsonschema's type error with the full trailer, not the framework's
// "browser" 400; PUT checks it before the permission (the decorator sits
// inside the method), POST after require_user_admin.
func TestOrganizationBodySchema(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	notObject := "[] is not of type 'object'\n\nFailed validating 'type' in schema:\n    {'description': "
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme", e.bob, json.RawMessage(`[]`)), 400, "invalid_request", notObject)
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/", e.alice, json.RawMessage(`[]`)), 400, "invalid_request", notObject)
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme", e.alice, map[string]any{"tag_expiration_s": 86400.0, "contact_email": 5}), 400,
		"invalid_request", "5 is not of type 'string', 'null'\n\nFailed validating 'type' in schema['properties']['contact_email']:")
}

// TestSelfViewCanCreateRepo pins can_create_repo in the self view's org
// entries: CreateRepositoryPermission (endpoints/api/user.py user_view;
// auth/permissions.py), which a member-role team does not give.
func TestSelfViewCanCreateRepo(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs", e.alice, map[string]any{"role": "member"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/bob", e.alice, nil)
	canCreate := func(token string) any {
		orgs, _ := e.call(t, "GET", "/api/v1/user/", token, nil).field("organizations").([]any)
		if len(orgs) != 1 {
			t.Fatalf("organizations: %v", orgs)
		}
		return orgs[0].(map[string]any)["can_create_repo"]
	}
	if got := canCreate(e.bob); got != false {
		t.Errorf("member team: can_create_repo = %v", got)
	}
	if got := canCreate(e.alice); got != true {
		t.Errorf("owner: can_create_repo = %v", got)
	}
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs", e.alice, map[string]any{"role": "creator"})
	if got := canCreate(e.bob); got != true {
		t.Errorf("creator team: can_create_repo = %v", got)
	}
}

// TestUserInitializeOrder pins endpoints/web.py user_initialize: the
// database check comes before the body is read (an org counts: it is a
// row of the same table), and the body has no schema, so a missing key
// fails where the handler indexes it (500) and null e-mail stays null.
func TestUserInitializeOrder(t *testing.T) {
	s := New(DefaultConfig())
	hs := httptest.NewServer(s)
	defer hs.Close()
	e := &orgTestEnv{srv: s, http: hs}
	if a := e.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{"username": "first"}); a.status != 500 {
		t.Fatalf("no password: %d %s", a.status, a.raw)
	}
	a := e.call(t, "POST", "/api/v1/user/initialize", "", map[string]any{"username": "first", "password": "password123"})
	if a.status != 200 || a.body.(map[string]any)["email"] != nil {
		t.Fatalf("initialize: %d %s", a.status, a.raw)
	}
	expectMessage(t, e.call(t, "POST", "/api/v1/user/initialize", "", json.RawMessage(`[]`)), 400, "Cannot initialize user in a non-empty database")
}

package emulator

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestApplications(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	base := "/api/v1/organization/acme/applications"

	a := e.call(t, "POST", base, e.alice, map[string]any{"name": "ci"})
	id, _ := a.field("client_id").(string)
	secret, _ := a.field("client_secret").(string)
	if a.status != 200 || !regexp.MustCompile(`^[A-Z0-9]{20}$`).MatchString(id) || !regexp.MustCompile(`^[A-Z0-9]{40}$`).MatchString(secret) ||
		a.field("description") != "" || a.field("redirect_uri") != "" || a.field("application_uri") != "" || a.field("avatar_email") != nil {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	// Duplicate names are allowed.
	if b := e.call(t, "POST", base, e.alice, map[string]any{"name": "ci"}); b.status != 200 || b.field("client_id") == id {
		t.Fatalf("duplicate: %s", b.raw)
	}
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"description": "x"}), 400, "invalid_request", "'name' is a required property")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"name": "__quay_bootstrap_app"}), 400, "invalid_request", "Application name is reserved for bootstrap token provisioning")
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{"name": "x"}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/nosuch/applications", e.admin, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/nosuch/applications", e.bob, nil), 403, "insufficient_scope", "Unauthorized")

	if l := e.call(t, "GET", base, e.alice, nil); len(l.field("applications").([]any)) != 2 {
		t.Fatalf("list: %s", l.raw)
	}
	if g := e.call(t, "GET", base+"/"+id, e.alice, nil); g.field("client_secret") != secret {
		t.Fatalf("get shows the secret to admins: %s", g.raw)
	}

	// PUT replaces everything: omitted description and avatar_email reset.
	e.call(t, "PUT", base+"/"+id, e.alice, map[string]any{"name": "ci", "redirect_uri": "r", "application_uri": "a", "description": "d", "avatar_email": "x@example.com"})
	u := e.call(t, "PUT", base+"/"+id, e.alice, map[string]any{"name": "ci2", "redirect_uri": "r", "application_uri": "a"})
	if u.status != 200 || u.field("description") != "" || u.field("avatar_email") != nil || u.field("name") != "ci2" || u.field("client_id") != id {
		t.Fatalf("update: %d %s", u.status, u.raw)
	}
	expectProblem(t, e.call(t, "PUT", base+"/"+id, e.alice, map[string]any{"name": "ci"}), 400, "invalid_request", "'redirect_uri' is a required property")
	expectProblem(t, e.call(t, "PUT", base+"/NOPE", e.alice, map[string]any{"name": "n", "redirect_uri": "", "application_uri": ""}), 404, "not_found", "Not Found")

	r := e.call(t, "POST", base+"/"+id+"/resetclientsecret", e.alice, nil)
	if r.status != 200 || r.field("client_secret") == secret || r.field("client_id") != id {
		t.Fatalf("reset: %s", r.raw)
	}
	if d := e.call(t, "DELETE", base+"/"+id, e.alice, nil); d.status != 204 {
		t.Fatalf("delete: %d", d.status)
	}
	expectProblem(t, e.call(t, "GET", base+"/"+id, e.alice, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "DELETE", base+"/"+id, e.alice, nil), 404, "not_found", "Not Found")
}

func TestProxyCache(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "mirror"})
	base := "/api/v1/organization/mirror/proxycache"

	// No configuration: 200 with empty strings, even for the int and bool.
	a := e.call(t, "GET", base, e.alice, nil)
	if a.status != 200 || strings.TrimSpace(a.raw) != `{"expiration_s":"","insecure":"","upstream_registry":""}` {
		t.Fatalf("empty: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", base, e.alice, nil), 404, "not_found", "Not Found")

	v := e.call(t, "POST", "/api/v1/organization/mirror/validateproxycache", e.alice, map[string]any{"org_name": "mirror", "upstream_registry": "quay.io"})
	if v.status != 202 || strings.TrimSpace(v.raw) != `"Anonymous"` {
		t.Fatalf("validate anonymous: %d %s", v.status, v.raw)
	}
	v = e.call(t, "POST", "/api/v1/organization/mirror/validateproxycache", e.alice, map[string]any{"upstream_registry": "quay.io", "upstream_registry_username": "u", "upstream_registry_password": "p"})
	if v.status != 202 || strings.TrimSpace(v.raw) != `"Valid"` {
		t.Fatalf("validate: %d %s", v.status, v.raw)
	}
	e.srv.SetUpstream("private.example.com", UpstreamBadLogin)
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/mirror/validateproxycache", e.alice, map[string]any{"upstream_registry": "private.example.com", "upstream_registry_username": "u", "upstream_registry_password": "p"}),
		400, "invalid_request", "Failed login to remote registry. Please verify entered details and try again.")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/mirror/validateproxycache", e.alice, map[string]any{"upstream_registry": "unknown.example.org"}),
		400, "invalid_request", "Failed to validate Proxy cache configuration")

	for upstream, msg := range map[string]string{
		"localhost:5000":           "The provided registry URL is not allowed",
		"10.1.2.3/ns":              "The provided registry URL is not allowed",
		"registry.cluster.local":   "The provided registry URL is not allowed",
		"metadata.google.internal": "The provided registry URL is not allowed",
		"user:pw@quay.io":          "URLs with embedded credentials are not allowed",
		"/quay.io":                 "URL must include a hostname",
		"nowhere.invalid":          "Cannot resolve hostname 'nowhere.invalid'",
	} {
		expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"upstream_registry": upstream}), 400, "invalid_request", msg)
	}
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{}), 400, "invalid_request", "'upstream_registry' is a required property")
	if n := e.call(t, "POST", base, e.alice, map[string]any{"upstream_registry": "quay.io", "expiration_s": nil}); n.status != 500 {
		t.Fatalf("null expiration_s: %d", n.status)
	}
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{"upstream_registry": "quay.io"}), 403, "insufficient_scope", "Unauthorized")

	c := e.call(t, "POST", base, e.alice, map[string]any{"org_name": "mirror", "upstream_registry": "docker.io/library", "expiration_s": 3600, "insecure": true, "upstream_registry_username": "u", "upstream_registry_password": "p"})
	if c.status != 201 || strings.TrimSpace(c.raw) != `"Created"` {
		t.Fatalf("create: %d %s", c.status, c.raw)
	}
	g := e.call(t, "GET", base, e.alice, nil)
	if g.field("upstream_registry") != "docker.io/library" || g.field("expiration_s") != float64(3600) || g.field("insecure") != true || g.field("upstream_registry_username") != nil {
		t.Fatalf("get: %s", g.raw)
	}
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"upstream_registry": "quay.io"}), 400, "invalid_request", "Proxy Cache Configuration already exists")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/mirror/validateproxycache", e.alice, map[string]any{"upstream_registry": "quay.io"}), 400, "invalid_request", "Proxy Cache Configuration already exists")
	expectMessage(t, e.call(t, "PUT", base, e.alice, map[string]any{"upstream_registry": "quay.io"}), 405, "The method is not allowed for the requested URL.")

	d := e.call(t, "DELETE", base, e.alice, nil)
	if d.status != 201 || strings.TrimSpace(d.raw) != `"Deleted"` {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}

	off := newOrgTestEnv(t, func(c *Config) { c.Features.ProxyCache = false })
	if a := off.call(t, "GET", base, off.alice, nil); a.status != 404 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Fatalf("proxy cache without the feature: %d %s", a.status, a.raw)
	}
}

// TestApplicationInformation pins issue 14 item 5: GET /api/v1/app/{client_id}
// is an application's public face, for any caller, with the organization as
// the caller may see it but no teams (endpoints/api/organization.py,
// ApplicationInformation); an unknown client id is Quay's NotFound.
func TestApplicationInformation(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	created := e.call(t, "POST", "/api/v1/organization/acme/applications", e.alice,
		map[string]any{"name": "ci", "description": "builds", "application_uri": "https://ci.example.com", "redirect_uri": "https://ci.example.com/cb"})
	id, _ := created.field("client_id").(string)

	for _, tok := range []string{"", e.bob, e.alice} {
		a := e.call(t, "GET", "/api/v1/app/"+id, tok, nil)
		m, _ := a.body.(map[string]any)
		org, _ := m["organization"].(map[string]any)
		if a.status != 200 || len(m) != 5 || m["name"] != "ci" || m["description"] != "builds" || m["uri"] != "https://ci.example.com" || org["name"] != "acme" {
			t.Fatalf("public view for %q: %d %s", tok, a.status, a.raw)
		}
		if av, _ := m["avatar"].(map[string]any); av["kind"] != "app" {
			t.Errorf("avatar kind: %v", m["avatar"])
		}
		if teams, _ := org["teams"].(map[string]any); teams == nil || len(teams) != 0 || len(org["ordered_teams"].([]any)) != 0 {
			t.Errorf("organization teams should be empty: %v", org)
		}
		if admin := tok == e.alice; org["is_admin"] != admin || (org["tag_expiration_s"] != nil) != admin {
			t.Errorf("organization as seen by %q: %v", tok, org)
		}
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/app/NOSUCHCLIENT", "", nil), 404, "not_found", "Not Found")
}

// TestApplicationChecksOrder pins OrganizationApplications.post and
// OrganizationApplicationResource.put (endpoints/api/organization.py):
// the NewApp/UpdateApp schema first (avatar_email is a string, null is
// refused), then the permission, then the lookups, and the reserved name
// last (_ensure_oauth_app_name_is_not_reserved).
func TestApplicationChecksOrder(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	base := "/api/v1/organization/acme/applications"
	reserved := map[string]any{"name": reservedAppName}
	expectProblem(t, e.call(t, "POST", base, e.bob, reserved), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", base, e.bob, json.RawMessage(`[]`)), 400, "invalid_request", "[] is not of type 'object'\n\nFailed validating 'type' in schema:")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"name": "x", "avatar_email": nil}), 400, "invalid_request", "None is not of type 'string'")
	expectProblem(t, e.call(t, "POST", base, e.alice, reserved), 400, "invalid_request", "Application name is reserved for bootstrap token provisioning")
	update := map[string]any{"name": reservedAppName, "redirect_uri": "", "application_uri": ""}
	expectProblem(t, e.call(t, "PUT", base+"/NOSUCH", e.alice, update), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "PUT", base+"/NOSUCH", e.alice, map[string]any{"name": "x"}), 400, "invalid_request", "'redirect_uri' is a required property")
}

// TestProxyCacheChecksOrder pins OrganizationProxyCacheConfig and
// ProxyCacheConfigValidation (endpoints/api/organization.py): the schema,
// the permission, "already exists", and only then the upstream checks; a
// full-access superuser passes the permission for a missing org, and then
// GET finds no configuration (200), create fails in the model ("Error
// while creating...") and validation's org lookup error escapes (400 M).
func TestProxyCacheChecksOrder(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "mirror"})
	base := "/api/v1/organization/mirror/proxycache"
	bad := map[string]any{"upstream_registry": "localhost"}
	expectProblem(t, e.call(t, "POST", base, e.bob, bad), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", base, e.bob, json.RawMessage(`[]`)), 400, "invalid_request", "[] is not of type 'object'")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"upstream_registry": 5}), 400, "invalid_request", "5 is not of type 'string'\n\nFailed validating 'type' in schema['properties']['upstream_registry']:")
	if a := e.call(t, "POST", base, e.alice, map[string]any{"upstream_registry": "quay.io"}); a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", base, e.alice, bad), 400, "invalid_request", "Proxy Cache Configuration already exists")

	missing := "/api/v1/organization/nosuch/"
	if a := e.call(t, "GET", missing+"proxycache", e.admin, nil); a.status != 200 || a.field("upstream_registry") != "" {
		t.Fatalf("superuser GET, missing org: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", missing+"proxycache", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	// With FEATURE_IMMUTABLE_TAGS (3.17+) the create looks the org up for
	// its immutable tags first, and that lookup's error escapes.
	expectMessage(t, e.call(t, "POST", missing+"proxycache", e.admin, map[string]any{"upstream_registry": "quay.io"}), 400, "Organization does not exist: nosuch")
	off := newOrgTestEnv(t, func(c *Config) { c.Features.ImmutableTags = false })
	expectProblem(t, off.call(t, "POST", missing+"proxycache", off.admin, map[string]any{"upstream_registry": "quay.io"}), 400, "invalid_request", "Error while creating Proxy cache configuration")
	expectMessage(t, e.call(t, "POST", missing+"validateproxycache", e.admin, map[string]any{"upstream_registry": "quay.io"}), 400, "Organization does not exist: nosuch")
}

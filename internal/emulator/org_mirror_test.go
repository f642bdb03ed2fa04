package emulator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// newOrgMirrorEnv is an emulator with organization mirroring, empty
// organization acme with robot acme+sync, and organization other with
// robot other+bot.
func newOrgMirrorEnv(t *testing.T, mutate func(*Config)) *orgTestEnv {
	t.Helper()
	e := newOrgTestEnv(t, func(c *Config) {
		c.Features.OrgMirror = true
		if mutate != nil {
			mutate(c)
		}
	})
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "other"})
	e.call(t, "PUT", "/api/v1/organization/acme/robots/sync", e.alice, nil)
	e.call(t, "PUT", "/api/v1/organization/other/robots/bot", e.alice, nil)
	return e
}

const orgMirrorPath = "/api/v1/organization/acme/mirror"

func orgMirrorBody(extra map[string]any) map[string]any {
	b := map[string]any{
		"external_registry_type": "harbor", "external_registry_url": "https://harbor.example.com",
		"external_namespace": "library", "robot_username": "acme+sync", "visibility": "private",
		"sync_interval": 3600, "sync_start_date": "2030-01-02T03:04:05Z",
	}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return b
}

func TestOrgMirrorFlagAndVersion(t *testing.T) {
	for name, mutate := range map[string]func(*Config){
		"flag off": func(c *Config) { c.Features.OrgMirror = false },
		"3.16":     func(c *Config) { c.Version = "3.16.2" },
	} {
		e := newOrgMirrorEnv(t, mutate)
		expectHTML(t, e.call(t, "GET", orgMirrorPath, e.alice, nil), 404)
		expectHTML(t, e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(nil)), 405)
		expectHTML(t, e.call(t, "POST", orgMirrorPath+"/sync-now", e.alice, nil), 405)
		// /config shows the flag as the install sets it, even on 3.16.
		if got := e.call(t, "GET", "/config", "", nil).field("features").(map[string]any)["ORG_MIRROR"]; got != (name == "3.16") {
			t.Fatalf("%s: /config ORG_MIRROR = %v", name, got)
		}
	}
}

func TestOrgMirrorCreateChecks(t *testing.T) {
	e := newOrgMirrorEnv(t, func(c *Config) { c.SSRFAllowedHosts = []string{"harbor.internal"} })
	// The schema comes before the permission.
	expectProblem(t, e.call(t, "POST", orgMirrorPath, e.bob, map[string]any{}), 400, "invalid_request", "'external_registry_type' is a required property")
	expectProblem(t, e.call(t, "POST", orgMirrorPath, e.bob, orgMirrorBody(nil)), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/nope/mirror", e.admin, orgMirrorBody(nil)), 404, "not_found", "Not Found")
	for body, msg := range map[string]struct {
		extra map[string]any
		msg   string
	}{
		"interval": {map[string]any{"sync_interval": 59}, "59 is less than the minimum of 60"},
		"timeout":  {map[string]any{"skopeo_timeout": 4000}, "4000 is greater than the maximum of 3600"},
		"type":     {map[string]any{"external_registry_type": "dockerhub"}, "'dockerhub' is not one of ['harbor', 'quay']"},
		"robot":    {map[string]any{"robot_username": "acme+ghost"}, "Invalid robot account: acme+ghost"},
		"foreign":  {map[string]any{"robot_username": "other+bot"}, "Robot account must belong to the organization"},
		"date":     {map[string]any{"sync_start_date": "2030-01-02"}, badOrgMirrorDate},
		"scheme":   {map[string]any{"external_registry_url": "harbor.example.com"}, "Invalid URL scheme '': only HTTP and HTTPS are allowed"},
		"ftp":      {map[string]any{"external_registry_url": "ftp://harbor.example.com"}, "Invalid URL scheme 'ftp': only HTTP and HTTPS are allowed"},
		"creds":    {map[string]any{"external_registry_url": "https://u:p@harbor.example.com"}, "URLs with embedded credentials are not allowed"},
		"nohost":   {map[string]any{"external_registry_url": "https://"}, "URL must include a hostname"},
		"private":  {map[string]any{"external_registry_url": "https://10.0.0.5"}, "The provided registry URL is not allowed"},
		"blocked":  {map[string]any{"external_registry_url": "http://metadata.google.internal"}, "The provided registry URL is not allowed"},
		"dns":      {map[string]any{"external_registry_url": "https://harbor"}, "Cannot resolve hostname 'harbor'"},
	} {
		a := e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(msg.extra))
		if a.status != 400 || !strings.HasPrefix(a.field("detail").(string), msg.msg) {
			t.Errorf("%s: %d %s", body, a.status, a.raw)
		}
	}
	// SSRF_ALLOWED_HOSTS lets an internal name through.
	if a := e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(map[string]any{"external_registry_url": "https://harbor.internal"})); a.status != 201 {
		t.Fatalf("allowed host: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(nil)), 400, "invalid_request", "Mirror configuration already exists for this organization")

	// The model refuses an organization with repositories, immutability
	// policies or a proxy cache.
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "other", "repository": "app", "visibility": "private", "description": ""})
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/other/mirror", e.alice, orgMirrorBody(map[string]any{"robot_username": "other+bot"})),
		400, "invalid_request", "Cannot create organization mirror: the organization already contains repositories. Organization mirroring requires an empty organization.")
	e.call(t, "DELETE", "/api/v1/repository/other/app", e.alice, nil)
	e.call(t, "POST", "/api/v1/organization/other/immutabilitypolicy/", e.alice, map[string]any{"tagPattern": "v.*"})
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/other/mirror", e.alice, orgMirrorBody(map[string]any{"robot_username": "other+bot"})),
		400, "invalid_request", "Cannot create organization mirror: the organization has immutability policies configured. Remove all namespace immutability policies first.")
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "cache"})
	e.call(t, "PUT", "/api/v1/organization/cache/robots/bot", e.alice, nil)
	e.call(t, "POST", "/api/v1/organization/cache/proxycache", e.alice, map[string]any{"upstream_registry": "quay.io"})
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/cache/mirror", e.alice, orgMirrorBody(map[string]any{"robot_username": "cache+bot"})),
		400, "invalid_request", "Cannot create organization mirror: the organization has a proxy cache configuration. Remove the proxy cache configuration first.")
}

func TestOrgMirrorLifecycle(t *testing.T) {
	e := newOrgMirrorEnv(t, nil)
	expectProblem(t, e.call(t, "GET", orgMirrorPath, e.alice, nil), 404, "not_found", "Not Found")
	a := e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(map[string]any{
		"external_registry_username": "reader", "external_registry_password": "pw",
		"repository_filters": []any{"app*"}, "external_registry_config": map[string]any{"verify_tls": false},
	}))
	if a.status != 201 || strings.TrimSpace(a.raw) != `""` {
		t.Fatalf("create: %d %q", a.status, a.raw)
	}
	g := e.call(t, "GET", orgMirrorPath, e.alice, nil)
	want := map[string]any{
		"is_enabled": true, "external_registry_type": "harbor", "external_registry_url": "https://harbor.example.com",
		"external_namespace": "library", "external_registry_username": "reader", "has_external_registry_password": true,
		"robot_username": "acme+sync", "visibility": "private", "sync_interval": 3600.0,
		"sync_start_date": "2030-01-02T03:04:05Z", "sync_expiration_date": nil, "sync_status": "NEVER_RUN",
		"sync_retries_remaining": 3.0, "skopeo_timeout": 300.0,
	}
	for k, v := range want {
		if g.field(k) != v {
			t.Errorf("%s = %v, want %v", k, g.field(k), v)
		}
	}
	if strings.Contains(g.raw, `"pw"`) || g.field("repo_sync_status_counts").(map[string]any)["SKIP"] != 0.0 ||
		!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$`).MatchString(g.field("creation_date").(string)) {
		t.Fatalf("view: %s", g.raw)
	}
	if got := e.srv.AllOrgMirrors(); len(got) != 1 || got[0] != "acme" {
		t.Fatalf("AllOrgMirrors: %v", got)
	}

	// What an org mirror blocks in its organization.
	expectProblem(t, e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "x", "visibility": "private", "description": ""}),
		400, "invalid_request", "Cannot create repository: organization is managed by organization-level mirroring")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/immutabilitypolicy/", e.alice, map[string]any{"tagPattern": "v.*"}),
		400, "invalid_request", "Cannot create immutability policy: organization is managed by organization-level mirroring")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/proxycache", e.alice, map[string]any{"upstream_registry": "quay.io"}),
		400, "invalid_request", "Cannot create proxy cache: organization is managed by organization-level mirroring")
	e.srv.mu.Lock()
	e.srv.createRepo(e.srv.state.org("acme"), "made", nil, false, "alice")
	e.srv.mu.Unlock()
	expectDetail(t, e.call(t, "PUT", "/api/v1/repository/acme/made/changestate", e.alice, map[string]any{"state": "READ_ONLY"}),
		400, "Repository state changes are not allowed in an organization managed by organization-level mirroring")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository/acme/made/mirror", e.alice, map[string]any{
		"external_reference": "quay.io/a/b", "sync_interval": 60, "sync_start_date": "2030-01-02T03:04:05Z", "skopeo_timeout_interval": 300,
		"root_rule": map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{"*"}}, "robot_username": "acme+sync",
	}), 400, "invalid_request", "Repository mirror configuration cannot be managed when organization-level mirroring is configured")
	req := e.registryToken(t, "$oauthtoken", e.alice, "repository:acme/pushed:push,pull")
	if resp, _ := e.registry(t, "POST", "/v2/acme/pushed/blobs/uploads/", req, "", nil); resp.StatusCode != 401 {
		t.Fatalf("push-create in an org-mirrored org: %d", resp.StatusCode)
	}

	// PUT checks before it writes; credentials are independent, config and
	// filters replaced, the type ignored. 200 "".
	expectProblem(t, e.call(t, "PUT", orgMirrorPath, e.alice, map[string]any{"is_enabled": false, "sync_start_date": "soon"}), 400, "invalid_request", badOrgMirrorDate)
	expectProblem(t, e.call(t, "PUT", orgMirrorPath, e.alice, map[string]any{"is_enabled": false, "robot_username": "other+bot"}), 400, "invalid_request", "Robot account must belong to the organization")
	if g := e.call(t, "GET", orgMirrorPath, e.alice, nil); g.field("is_enabled") != true {
		t.Fatal("a refused PUT wrote")
	}
	p := e.call(t, "PUT", orgMirrorPath, e.alice, map[string]any{
		"external_registry_type": "quay", "is_enabled": false, "external_registry_password": "",
		"external_registry_config": map[string]any{}, "repository_filters": []any{"x", "y"}, "skopeo_timeout": 30,
	})
	if p.status != 200 || strings.TrimSpace(p.raw) != `""` {
		t.Fatalf("put: %d %s", p.status, p.raw)
	}
	g = e.call(t, "GET", orgMirrorPath, e.alice, nil)
	if g.field("external_registry_type") != "harbor" || g.field("is_enabled") != false || g.field("has_external_registry_password") != false ||
		g.field("external_registry_username") != "reader" || len(g.field("external_registry_config").(map[string]any)) != 0 ||
		len(g.field("repository_filters").([]any)) != 2 || g.field("skopeo_timeout") != 30.0 {
		t.Fatalf("after PUT: %s", g.raw)
	}

	// sync-now, sync-cancel, the discovered repositories.
	before := time.Now().UTC().Add(-time.Second)
	if a := e.call(t, "POST", orgMirrorPath+"/sync-now", e.alice, nil); a.status != 204 {
		t.Fatalf("sync-now: %d %s", a.status, a.raw)
	}
	g = e.call(t, "GET", orgMirrorPath, e.alice, nil)
	if start, err := time.Parse(time.RFC3339Nano, g.field("sync_start_date").(string)); err != nil || start.Before(before) || g.field("sync_status") != "SYNC_NOW" {
		t.Fatalf("after sync-now: %s", g.raw)
	}
	if a := e.call(t, "POST", orgMirrorPath+"/sync-cancel", e.alice, nil); a.status != 204 {
		t.Fatalf("cancel: %d %s", a.status, a.raw)
	}
	if g := e.call(t, "GET", orgMirrorPath, e.alice, nil); g.field("sync_status") != "CANCEL" || g.field("sync_retries_remaining") != 0.0 || g.field("sync_expiration_date") == nil {
		t.Fatalf("after cancel: %s", g.raw)
	}
	expectProblem(t, e.call(t, "POST", orgMirrorPath+"/sync-cancel", e.alice, nil), 400, "invalid_request", "Cannot cancel: mirror is already cancelled") //nolint:misspell // Quay's message
	e.srv.mu.Lock()
	e.srv.state.org("acme").orgMirror.status = "SYNCING"
	e.srv.mu.Unlock()
	expectProblem(t, e.call(t, "POST", orgMirrorPath+"/sync-now", e.alice, nil), 400, "invalid_request", "Cannot trigger sync: discovery is currently in progress.")
	l := e.call(t, "GET", orgMirrorPath+"/repositories?page=0&limit=900", e.alice, nil)
	if l.status != 200 || l.field("page") != 1.0 || l.field("limit") != 500.0 || l.field("total") != 0.0 || len(l.field("repositories").([]any)) != 0 {
		t.Fatalf("repositories: %d %s", l.status, l.raw)
	}
	expectProblem(t, e.call(t, "GET", orgMirrorPath+"/repositories?status=done", e.alice, nil), 400, "invalid_request",
		"Invalid status filter 'done'. Valid values: CANCEL, FAIL, NEVER_RUN, SUCCESS, SYNCING, SYNC_NOW, SKIP")
	expectProblem(t, e.call(t, "GET", orgMirrorPath, e.bob, nil), 403, "insufficient_scope", "Unauthorized")

	// DELETE: 204, then 404.
	if a := e.call(t, "DELETE", orgMirrorPath, e.alice, nil); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", orgMirrorPath, e.alice, nil), 404, "not_found", "Not Found")
	kinds := strings.Join(e.srv.UsageLogs("acme"), ",")
	for _, k := range []string{"org_mirror_enabled", "org_mirror_config_changed", "org_mirror_sync_now_requested", "org_mirror_sync_cancelled", "org_mirror_disabled"} { //nolint:misspell // Quay's log kinds
		if !strings.Contains(kinds, k) {
			t.Errorf("no %s log in %s", k, kinds)
		}
	}

	// A robot delete takes a configuration naming it along.
	e.call(t, "DELETE", "/api/v1/repository/acme/made", e.alice, nil)
	e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(nil))
	if a := e.call(t, "DELETE", "/api/v1/organization/acme/robots/sync", e.alice, nil); a.status != 204 {
		t.Fatalf("robot delete: %d %s", a.status, a.raw)
	}
	if len(e.srv.AllOrgMirrors()) != 0 {
		t.Fatal("the configuration outlived its robot")
	}
}

func TestOrgMirror317(t *testing.T) {
	e := newOrgMirrorEnv(t, func(c *Config) { c.Version = "3.17.1" })
	e.call(t, "POST", orgMirrorPath, e.alice, orgMirrorBody(nil))
	e.srv.mu.Lock()
	e.srv.state.org("acme").orgMirror.status = "SYNCING"
	e.srv.mu.Unlock()
	expectProblem(t, e.call(t, "POST", orgMirrorPath+"/sync-now", e.alice, nil), 400, "invalid_request", "Cannot trigger sync: mirror is currently syncing")
	e.call(t, "POST", orgMirrorPath+"/sync-cancel", e.alice, nil)
	if g := e.call(t, "GET", orgMirrorPath, e.alice, nil); g.field("sync_expiration_date") != nil {
		t.Fatalf("3.17 cancel: %s", g.raw)
	}
}

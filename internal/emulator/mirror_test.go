package emulator

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// newMirrorEnv is an emulator with organization acme, its robot
// acme+mirror, repository acme/app and robot other+bot of organization
// other; upstream hosts are allowed on loopback.
func newMirrorEnv(t *testing.T, mutate func(*Config)) *orgTestEnv {
	t.Helper()
	e := newOrgTestEnv(t, func(c *Config) {
		c.SSRFAllowedHosts = []string{"127.0.0.0/8"}
		c.MirrorSyncDelay = -1
		if mutate != nil {
			mutate(c)
		}
	})
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "other"})
	e.call(t, "PUT", "/api/v1/organization/acme/robots/mirror", e.alice, nil)
	e.call(t, "PUT", "/api/v1/organization/other/robots/bot", e.alice, nil)
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	return e
}

func mirrorBody(ref string, extra map[string]any) map[string]any {
	b := map[string]any{
		"external_reference": ref, "sync_interval": 3600, "sync_start_date": "2030-01-02T03:04:05Z",
		"root_rule": map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{"v*"}}, "robot_username": "acme+mirror",
		"skopeo_timeout_interval": 300,
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

// expectDetail asserts Quay's bare {"detail": ...} answer.
func expectDetail(t *testing.T, a apiAnswer, status int, detail string) {
	t.Helper()
	m, _ := a.body.(map[string]any)
	if a.status != status || m["detail"] != detail || len(m) != 1 {
		t.Fatalf("got %d %s, want %d {\"detail\": %q}", a.status, a.raw, status, detail)
	}
}

func expectHTML(t *testing.T, a apiAnswer, status int) {
	t.Helper()
	if a.status != status || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Fatalf("got %d %s %q, want HTML %d", a.status, a.header.Get("Content-Type"), a.raw, status)
	}
}

const mirrorPath = "/api/v1/repository/acme/app/mirror"

// With the flag off the mirror paths are not registered, but Quay's
// repository path converter takes any number of segments, so they fall
// to the repository resource ("acme/app/mirror" is a repository name
// there): 404 or 403 for GET, the framework's 405 for other methods.
func TestRepoMirrorFlagOff(t *testing.T) {
	e := newMirrorEnv(t, func(c *Config) { c.Features.RepoMirror = false })
	expectProblem(t, e.call(t, "GET", mirrorPath, e.alice, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "GET", mirrorPath, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	for _, p := range []string{mirrorPath, mirrorPath + "/sync-now", mirrorPath + "/sync-cancel"} {
		expectMessage(t, e.call(t, "POST", p, e.alice, mirrorBody("quay.io/coreos/etcd", nil)), 405, "The method is not allowed for the requested URL.")
	}
	if a := e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"is_enabled": true}); a.status != 400 {
		// PUT reaches the repository's description update, whose schema
		// wants a description.
		t.Fatalf("PUT with the flag off: %d %s", a.status, a.raw)
	}
}

func TestRepoMirrorCreateChecks(t *testing.T) {
	e := newMirrorEnv(t, nil)
	good := mirrorBody("quay.io/coreos/etcd", nil)

	// The permission comes before the schema; the schema before the repository.
	expectProblem(t, e.call(t, "POST", mirrorPath, e.bob, map[string]any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", mirrorPath, e.alice, map[string]any{}), 400, "invalid_request", "'external_reference' is a required property")
	expectProblem(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"skopeo_timeout_interval": 10})),
		400, "invalid_request", "10 is less than the minimum of 300")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository/acme/nope/mirror", e.alice, good), 404, "not_found", "Not Found")

	// external_reference: syntax, then SSRF and name resolution.
	for ref, msg := range map[string]string{
		"https://quay.io/coreos/etcd": "External registry reference must not include a URL scheme",
		"quay.io":                     "External registry reference must include a repository path",
		"quay.io/a b":                 "External registry reference must not include whitespace",
		"quay.io/a?b":                 "External registry reference contains an invalid character",
		"quay.io:/a":                  "External registry reference contains an invalid registry port",
		"quay.io:99999/a":             "External registry reference contains an invalid registry authority",
		"user@quay.io/a":              "External registry reference must include a valid registry hostname",
		"10.1.2.3/a/b":                "The provided registry location is not allowed",
		"192.168.0.10:5000/a":         "The provided registry location is not allowed",
		"[::1]:5000/a":                "The provided registry location is not allowed",
		"metadata.google.internal/a":  "The provided registry location is not allowed",
		"registry/a":                  "Cannot resolve hostname 'registry'",
		"":                            "External registry reference is required",
	} {
		expectProblem(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody(ref, nil)), 400, "invalid_request", msg)
	}

	// Then the architectures, the date, the rule and the robot.
	expectDetail(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"architecture_filter": []any{"amd64"}})),
		400, "Architecture filtering requires FEATURE_SPARSE_INDEX to be enabled.")
	for _, date := range []string{"2030-01-02 03:04:05", "2030-01-02T03:04:05.5Z", "2030-02-30T03:04:05Z", "2030-01-02T03:04:05+00:00"} {
		expectDetail(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"sync_start_date": date})),
			400, "Incorrect DateTime format for sync_start_date.")
	}
	expectProblem(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"root_rule": map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{}}})),
		400, "invalid_request", "validation failed: rule_value for TAG_GLOB_CSV must be a list with at least one rule")
	expectMessage(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"robot_username": "acme+ghost"})),
		400, "Could not find robot with specified username")
	expectMessage(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"robot_username": "other+bot"})),
		400, "Invalid robot")
	if a := e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"robot_username": nil})); a.status != 500 {
		t.Fatalf("no robot_username: %d %s", a.status, a.raw)
	}
	if got := e.srv.AllMirrors(); len(got) != 0 {
		t.Fatalf("a refused create left a mirror: %v", got)
	}
	// An unknown key fails in the model, after the robot's grant.
	if a := e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", map[string]any{"mirror_type": "PULL"})); a.status != 500 {
		t.Fatalf("unknown key: %d %s", a.status, a.raw)
	}
	if g := e.call(t, "GET", "/api/v1/repository/acme/app/permissions/user/acme+mirror", e.alice, nil); g.field("role") != "write" {
		t.Fatalf("grant before the 500: %s", g.raw)
	}
	if len(e.srv.AllMirrors()) != 0 {
		t.Fatal("the 500 left a mirror")
	}
}

func TestRepoMirrorLifecycle(t *testing.T) {
	e := newMirrorEnv(t, func(c *Config) { c.Features.SparseIndex = true })
	// A read grant is raised to write; the repository turns MIRROR.
	e.call(t, "PUT", "/api/v1/repository/acme/app/permissions/user/acme+mirror", e.alice, map[string]any{"role": "read"})
	a := e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/coreos/etcd", map[string]any{
		"external_registry_username": "puller", "external_registry_password": "s3cret",
		"external_registry_config": map[string]any{"verify_tls": false, "extra": 1},
		"architecture_filter":      []any{"amd64", "arm64"},
	}))
	if a.status != 201 || strings.TrimSpace(a.raw) != `""` {
		t.Fatalf("create: %d %q", a.status, a.raw)
	}
	if g := e.call(t, "GET", "/api/v1/repository/acme/app/permissions/user/acme+mirror", e.alice, nil); g.field("role") != "write" {
		t.Fatalf("grant: %s", g.raw)
	}
	if g := e.call(t, "GET", "/api/v1/repository/acme/app?includeTags=false", e.alice, nil); g.field("state") != "MIRROR" || g.field("can_write") != false {
		t.Fatalf("state: %s", g.raw)
	}
	g := e.call(t, "GET", mirrorPath, e.alice, nil)
	want := map[string]any{
		"is_enabled": true, "mirror_type": "PULL", "external_reference": "quay.io/coreos/etcd",
		"external_registry_username": "puller", "sync_interval": 3600.0, "sync_start_date": "2030-01-02T03:04:05Z",
		"sync_expiration_date": nil, "sync_retries_remaining": 3.0, "sync_status": "NEVER_RUN",
		"robot_username": "acme+mirror", "skopeo_timeout_interval": 300.0,
	}
	for k, v := range want {
		if g.field(k) != v {
			t.Errorf("%s = %v, want %v", k, g.field(k), v)
		}
	}
	if strings.Contains(g.raw, "s3cret") || strings.Contains(g.raw, "password") {
		t.Fatalf("the password shows: %s", g.raw)
	}
	if cfg := g.field("external_registry_config").(map[string]any); cfg["verify_tls"] != false || cfg["extra"] != 1.0 {
		t.Fatalf("config stored as sent: %s", g.raw)
	}
	if e.srv.MirrorPassword("acme", "app") != "s3cret" || e.srv.MirrorStatus("acme", "app") != "NEVER_RUN" {
		t.Fatal("stored password or status")
	}
	if got := e.srv.AllMirrors(); len(got) != 1 || got[0] != "acme/app" {
		t.Fatalf("AllMirrors: %v", got)
	}

	// A second create: 409 with Quay's bare body and typo.
	expectDetail(t, e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/a/b", nil)), 409, "Mirror configuration already exits for repository acme/app")

	// PUT validates everything before it changes anything.
	expectDetail(t, e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"is_enabled": false, "sync_start_date": "tomorrow"}),
		400, "Incorrect DateTime format for sync_start_date.")
	expectDetail(t, e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"is_enabled": false, "external_registry_password": "x"}),
		400, "Unable to set a new password without also specifying a username.")
	expectDetail(t, e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"external_registry_username": nil, "external_registry_password": "x"}),
		400, "Unable to delete username while setting a password.")
	expectDetail(t, e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"architecture_filter": []any{"mips", "amd64", "i386"}}),
		400, "Invalid architectures: i386, mips")
	expectMessage(t, e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"is_enabled": false, "robot_username": "other+bot"}), 400, "Invalid robot")
	if g := e.call(t, "GET", mirrorPath, e.alice, nil); g.field("is_enabled") != true {
		t.Fatalf("a refused PUT changed is_enabled: %s", g.raw)
	}

	// A good PUT answers 201 "": the config is merged, and the first proxy
	// key of a config without a proxy object is lost.
	p := e.call(t, "PUT", mirrorPath, e.alice, map[string]any{
		"is_enabled": false, "external_registry_username": "", "sync_interval": 60,
		"external_registry_config": map[string]any{"verify_tls": true, "ignored": 1, "proxy": map[string]any{"http_proxy": "http://p:3128", "https_proxy": "http://p:3129"}},
		"root_rule":                map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{"1.*", "latest"}},
		"architecture_filter":      nil,
	})
	if p.status != 201 || strings.TrimSpace(p.raw) != `""` {
		t.Fatalf("put: %d %s", p.status, p.raw)
	}
	g = e.call(t, "GET", mirrorPath, e.alice, nil)
	cfg := g.field("external_registry_config").(map[string]any)
	proxy, _ := cfg["proxy"].(map[string]any)
	if g.field("is_enabled") != false || g.field("external_registry_username") != "" || g.field("sync_interval") != 60.0 ||
		cfg["verify_tls"] != true || cfg["extra"] != 1.0 || cfg["ignored"] != nil || proxy == nil || proxy["http_proxy"] != nil || proxy["https_proxy"] != "http://p:3129" ||
		len(g.field("architecture_filter").([]any)) != 0 || len(g.field("root_rule").(map[string]any)["rule_value"].([]any)) != 2 {
		t.Fatalf("after PUT: %s", g.raw)
	}
	if e.srv.MirrorPassword("acme", "app") != "s3cret" {
		t.Fatal("a username alone changed the password")
	}
	e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"external_registry_username": nil, "external_registry_password": nil})
	if g := e.call(t, "GET", mirrorPath, e.alice, nil); g.field("external_registry_username") != nil || e.srv.MirrorPassword("acme", "app") != "" {
		t.Fatalf("credentials not cleared: %s", g.raw)
	}

	// The mirror's robot cannot be deleted; the repository's delete takes
	// the mirror along, and then the robot can go.
	expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme/robots/mirror", e.alice, nil), 400, "invalid_request", "Robot is being used by a mirror")
	if a := e.call(t, "DELETE", "/api/v1/repository/acme/app", e.alice, nil); a.status != 204 {
		t.Fatalf("repo delete: %d", a.status)
	}
	if len(e.srv.AllMirrors()) != 0 {
		t.Fatal("the mirror survived its repository")
	}
	if a := e.call(t, "DELETE", "/api/v1/organization/acme/robots/mirror", e.alice, nil); a.status != 204 {
		t.Fatalf("robot delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", mirrorPath, e.alice, nil), 404, "not_found", "Not Found")
}

func TestRepoMirrorSyncNowAndCancel(t *testing.T) {
	e := newMirrorEnv(t, nil)
	expectProblem(t, e.call(t, "POST", mirrorPath+"/sync-now", e.alice, nil), 404, "not_found", "Not Found")
	e.call(t, "POST", mirrorPath, e.alice, mirrorBody("quay.io/coreos/etcd", nil))
	expectProblem(t, e.call(t, "POST", mirrorPath+"/sync-cancel", e.alice, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "POST", mirrorPath+"/sync-now", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	if a := e.call(t, "POST", mirrorPath+"/sync-now", e.alice, nil); a.status != 204 || a.raw != "" {
		t.Fatalf("sync-now: %d %q", a.status, a.raw)
	}
	if g := e.call(t, "GET", mirrorPath, e.alice, nil); g.field("sync_status") != "SYNC_NOW" || g.field("sync_retries_remaining") != 3.0 {
		t.Fatalf("after sync-now: %s", g.raw)
	}
	if a := e.call(t, "POST", mirrorPath+"/sync-cancel", e.alice, nil); a.status != 204 {
		t.Fatalf("cancel: %d %s", a.status, a.raw)
	}
	if g := e.call(t, "GET", mirrorPath, e.alice, nil); g.field("sync_status") != "CANCEL" || g.field("sync_retries_remaining") != 0.0 ||
		g.field("sync_start_date") != "2030-01-02T03:04:05Z" {
		t.Fatalf("after cancel: %s", g.raw)
	}
	expectProblem(t, e.call(t, "POST", mirrorPath+"/sync-cancel", e.alice, nil), 404, "not_found", "Not Found")
	// sync-now gives a canceled mirror one retry.
	e.call(t, "POST", mirrorPath+"/sync-now", e.alice, nil)
	if g := e.call(t, "GET", mirrorPath, e.alice, nil); g.field("sync_status") != "SYNC_NOW" || g.field("sync_retries_remaining") != 1.0 {
		t.Fatalf("sync-now after cancel: %s", g.raw)
	}
	// A running sync refuses sync-now with 404.
	e.srv.mu.Lock()
	e.srv.state.repo("acme", "app").mirror.status = "SYNCING"
	e.srv.mu.Unlock()
	expectProblem(t, e.call(t, "POST", mirrorPath+"/sync-now", e.alice, nil), 404, "not_found", "Not Found")
	if err := e.srv.RunMirrorSync("acme", "app"); err == nil || !strings.Contains(err.Error(), "already syncing") {
		t.Fatalf("RunMirrorSync of a syncing mirror: %v", err)
	}
	if kinds := strings.Join(e.srv.UsageLogs("acme"), ","); strings.Count(kinds, "repo_mirror_config_changed") != 4 {
		t.Fatalf("logs: %s", kinds)
	}
}

// newUpstream is a second emulator serving public repository up/app with
// tags v1, v2 and latest, and private repository up/secret with v1, both
// pushed by alice, whose registry password is "alicepw".
func newUpstream(t *testing.T) (*orgTestEnv, string) {
	t.Helper()
	up := newOrgTestEnv(t, nil)
	up.srv.SetPassword("alice", "alicepw")
	up.call(t, "POST", "/api/v1/organization/", up.alice, map[string]any{"name": "up"})
	up.call(t, "POST", "/api/v1/repository", up.alice, map[string]any{"namespace": "up", "repository": "app", "visibility": "public", "description": ""})
	up.call(t, "POST", "/api/v1/repository", up.alice, map[string]any{"namespace": "up", "repository": "secret", "visibility": "private", "description": ""})
	for _, tag := range []string{"v1", "v2", "latest"} {
		if _, st, body := up.push(t, "up/app", tag, "content of "+tag); st != 201 {
			t.Fatalf("upstream push %s: %d %s", tag, st, body)
		}
	}
	up.push(t, "up/secret", "v1", "secret one")
	u, _ := url.Parse(up.http.URL)
	return up, u.Host
}

func TestRunMirrorSyncFromUpstream(t *testing.T) {
	up, host := newUpstream(t)
	e := newMirrorEnv(t, nil)
	// A tag the rule does not match goes at the first sync.
	e.push(t, "acme/app", "old", "stale")

	start := time.Now().UTC().Add(-90 * time.Second).Truncate(time.Second)
	a := e.call(t, "POST", mirrorPath, e.alice, mirrorBody(host+"/up/app", map[string]any{
		"sync_interval": 60, "sync_start_date": start.Format("2006-01-02T15:04:05Z"),
		"external_registry_config": map[string]any{"verify_tls": false},
	}))
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	if err := e.srv.RunMirrorSync("acme", "app"); err != nil {
		t.Fatalf("RunMirrorSync: %v", err)
	}
	if got := strings.Join(e.srv.RepositoryTags("acme", "app"), ","); got != "v1,v2" {
		t.Fatalf("tags after sync: %s", got)
	}
	g := e.call(t, "GET", mirrorPath, e.alice, nil)
	if g.field("sync_status") != "SUCCESS" || g.field("sync_retries_remaining") != 3.0 || g.field("sync_expiration_date") != nil {
		t.Fatalf("status: %s", g.raw)
	}
	next, err := time.Parse(time.RFC3339Nano, g.field("sync_start_date").(string))
	if err != nil || !next.After(time.Now().Add(-time.Second)) || next.After(time.Now().Add(61*time.Second)) ||
		int64(next.Sub(start).Truncate(time.Second).Seconds())%60 != 0 {
		t.Fatalf("sync_start_date not moved to the next interval: %v (from %v)", g.field("sync_start_date"), start)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(g.field("sync_start_date").(string)) {
		t.Fatalf("rescheduled date format: %v", g.field("sync_start_date"))
	}
	// The mirrored manifests are byte for byte the upstream's.
	upDigest, _, _ := up.srv.TagInfo("up", "app", "v1")
	if d, _, ok := e.srv.TagInfo("acme", "app", "v1"); !ok || d != upDigest {
		t.Fatal("mirrored digest")
	}
	logs := strings.Join(e.srv.UsageLogs("acme"), ",")
	for _, k := range []string{"repo_mirror_sync_started", "repo_mirror_sync_tag_success", "repo_mirror_sync_success"} {
		if !strings.Contains(logs, k) {
			t.Fatalf("no %s in %s", k, logs)
		}
	}
	// Normal pushes are refused in state MIRROR, the robot's are not.
	tok := e.srv.RobotToken("acme+mirror")
	robotAuth := e.registryToken(t, "acme+mirror", tok, "repository:acme/app:push,pull")
	if resp, _ := e.registry(t, "POST", "/v2/acme/app/blobs/uploads/", robotAuth, "", nil); resp.StatusCode != 202 {
		t.Fatalf("robot push in MIRROR: %d", resp.StatusCode)
	}
	aliceAuth := e.registryToken(t, "$oauthtoken", e.alice, "repository:acme/app:push,pull")
	if resp, _ := e.registry(t, "POST", "/v2/acme/app/blobs/uploads/", aliceAuth, "", nil); resp.StatusCode != 401 {
		t.Fatalf("user push in MIRROR: %d", resp.StatusCode)
	}
}

func TestRunMirrorSyncCredentialsAndFailures(t *testing.T) {
	_, host := newUpstream(t)
	e := newMirrorEnv(t, nil)
	e.call(t, "POST", mirrorPath, e.alice, mirrorBody(host+"/up/secret", map[string]any{
		"root_rule":                map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{"*"}},
		"external_registry_config": map[string]any{"verify_tls": false},
	}))
	// Without credentials the private upstream refuses: FAIL, one retry used.
	if err := e.srv.RunMirrorSync("acme", "app"); err == nil {
		t.Fatal("sync without credentials succeeded")
	}
	g := e.call(t, "GET", mirrorPath, e.alice, nil)
	if g.field("sync_status") != "FAIL" || g.field("sync_retries_remaining") != 2.0 || g.field("sync_start_date") != "2030-01-02T03:04:05Z" {
		t.Fatalf("after a failure: %s", g.raw)
	}
	e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"external_registry_username": "alice", "external_registry_password": "alicepw"})
	if err := e.srv.RunMirrorSync("acme", "app"); err != nil {
		t.Fatalf("sync with credentials: %v", err)
	}
	if got := strings.Join(e.srv.RepositoryTags("acme", "app"), ","); got != "v1" {
		t.Fatalf("tags: %s", got)
	}

	// verify_tls (the default) insists on HTTPS, which the upstream does not speak.
	e.call(t, "PUT", mirrorPath, e.alice, map[string]any{"external_registry_config": map[string]any{"verify_tls": true}})
	if err := e.srv.RunMirrorSync("acme", "app"); err == nil {
		t.Fatal("sync over HTTPS succeeded")
	}
	// Without the allowlist, loopback is refused at sync time too.
	e.srv.cfg.SSRFAllowedHosts = nil
	if err := e.srv.RunMirrorSync("acme", "app"); err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("sync to a blocked host: %v", err)
	}
	if err := e.srv.RunMirrorSync("acme", "nope"); err == nil {
		t.Fatal("RunMirrorSync of a repository without a mirror")
	}
}

func TestRepoMirrorSyncNowRunsInTheBackground(t *testing.T) {
	_, host := newUpstream(t)
	e := newMirrorEnv(t, func(c *Config) { c.MirrorSyncDelay = 20 * time.Millisecond })
	e.call(t, "POST", mirrorPath, e.alice, mirrorBody(host+"/up/app", map[string]any{
		"root_rule":                map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{"latest", "v[2-9]"}},
		"external_registry_config": map[string]any{"verify_tls": false},
	}))
	if a := e.call(t, "POST", mirrorPath+"/sync-now", e.alice, nil); a.status != 204 {
		t.Fatalf("sync-now: %d %s", a.status, a.raw)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.srv.MirrorStatus("acme", "app") != "SUCCESS" {
		if time.Now().After(deadline) {
			t.Fatalf("status stays %s", e.srv.MirrorStatus("acme", "app"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := strings.Join(e.srv.RepositoryTags("acme", "app"), ","); got != "latest,v2" {
		t.Fatalf("tags: %s", got)
	}
	if g := e.call(t, "GET", "/api/v1/repository/acme/app/tag/?onlyActiveTags=true", e.alice, nil); len(tagNames(t, g)) != 2 {
		t.Fatalf("tag API: %s", g.raw)
	}
	// A repository taken out of MIRROR is not picked up by the worker.
	e.call(t, "PUT", "/api/v1/repository/acme/app/changestate", e.alice, map[string]any{"state": "NORMAL"})
	e.call(t, "POST", mirrorPath+"/sync-now", e.alice, nil)
	time.Sleep(100 * time.Millisecond)
	if st := e.srv.MirrorStatus("acme", "app"); st != "SYNC_NOW" {
		t.Fatalf("a NORMAL repository's mirror ran: %s", st)
	}
}

func TestRepoMirrorVersions(t *testing.T) {
	e := newMirrorEnv(t, func(c *Config) { c.Version = "3.14.0" })
	body := mirrorBody("quay.io/a/b", map[string]any{"skopeo_timeout_interval": nil})
	if a := e.call(t, "POST", mirrorPath, e.alice, body); a.status != 201 {
		t.Fatalf("3.14 create: %d %s", a.status, a.raw)
	}
	g := e.call(t, "GET", mirrorPath, e.alice, nil)
	if _, has := g.body.(map[string]any)["skopeo_timeout_interval"]; has {
		t.Fatalf("3.14 view: %s", g.raw)
	}
	if _, has := g.body.(map[string]any)["architecture_filter"]; has {
		t.Fatalf("3.14 view: %s", g.raw)
	}
	e2 := newMirrorEnv(t, func(c *Config) { c.Version = "3.14.0" })
	if a := e2.call(t, "POST", mirrorPath, e2.alice, mirrorBody("quay.io/a/b", nil)); a.status != 500 {
		t.Fatalf("3.14 with skopeo_timeout_interval: %d %s", a.status, a.raw)
	}
	e3 := newMirrorEnv(t, func(c *Config) { c.Version = "3.16.0" })
	if a := e3.call(t, "POST", mirrorPath, e3.alice, mirrorBody("quay.io/a/b", map[string]any{"architecture_filter": []any{}})); a.status != 500 {
		t.Fatalf("3.16 with architecture_filter: %d %s", a.status, a.raw)
	}
}

func TestFnmatch(t *testing.T) {
	for _, c := range []struct {
		name, pattern string
		want          bool
	}{
		{"v1.2", "v*", true}, {"v1.2", "v?.2", true}, {"latest", "v*", false}, {"V1", "v*", false},
		{"v3", "v[2-9]", true}, {"v1", "v[2-9]", false}, {"v1", "v[!2-9]", true}, {"a[b", "a[b", true},
		{"", "*", true}, {"abc", "a*c*", true}, {"x", "", false},
	} {
		if got := fnmatch(c.name, c.pattern); got != c.want {
			t.Errorf("fnmatch(%q, %q) = %v", c.name, c.pattern, got)
		}
	}
}

func TestRunMirrorSyncManifestList(t *testing.T) {
	up, host := newUpstream(t)
	amd, _, _ := up.srv.TagInfo("up", "app", "v1")
	arm, _, _ := up.srv.TagInfo("up", "app", "v2")
	index := []byte(`{"schemaVersion":2,"mediaType":"` + mediaTypeOCIIndex + `","manifests":[` +
		`{"mediaType":"` + mediaTypeOCIManifest + `","digest":"` + amd + `","size":1,"platform":{"architecture":"amd64","os":"linux"}},` +
		`{"mediaType":"` + mediaTypeOCIManifest + `","digest":"` + arm + `","size":1,"platform":{"architecture":"arm64","os":"linux"}}]}`)
	up.srv.mu.Lock()
	repo := up.srv.state.repo("up", "app")
	repo.manifests[sha256Digest(index)] = &manifest{digest: sha256Digest(index), mediaType: mediaTypeOCIIndex, body: index}
	up.srv.retargetTag(repo, "multi", sha256Digest(index), nowMillis())
	up.srv.mu.Unlock()

	e := newMirrorEnv(t, func(c *Config) { c.Features.SparseIndex = true })
	e.call(t, "POST", mirrorPath, e.alice, mirrorBody(host+"/up/app", map[string]any{
		"root_rule":                map[string]any{"rule_kind": "tag_glob_csv", "rule_value": []any{"multi"}},
		"external_registry_config": map[string]any{"verify_tls": false},
		"architecture_filter":      []any{"arm64"},
	}))
	if err := e.srv.RunMirrorSync("acme", "app"); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if d, _, ok := e.srv.TagInfo("acme", "app", "multi"); !ok || d != sha256Digest(index) {
		t.Fatalf("multi: %s %v", d, ok)
	}
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	got := e.srv.state.repo("acme", "app").manifests
	if got[arm] == nil || got[amd] != nil {
		t.Fatalf("architecture filter: arm64 copied %v, amd64 copied %v", got[arm] != nil, got[amd] != nil)
	}
}

package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// qsEnv is an emulator with a full-access superuser, a plain superuser
// (on a second emulator without full access), an org admin and a user.
type qsEnv struct {
	t      *testing.T
	url    string
	limURL string // emulator without FEATURE_SUPERUSERS_FULL_ACCESS
	full   string // token of superuser "admin" (full access)
	su     string // token of superuser "admin" on the limited emulator
	owner  string // token of "owner", admin of org "acme" (not a superuser)
	srv    *Server
	lim    *Server
}

func newQSEnv(t *testing.T) *qsEnv {
	t.Helper()
	e := &qsEnv{t: t}
	e.srv = New(DefaultConfig())
	hs := httptest.NewServer(e.srv)
	t.Cleanup(hs.Close)
	e.url = hs.URL
	e.srv.AddUser("admin", "admin@example.com", true)
	e.srv.AddUser("owner", "owner@example.com", false)
	e.srv.AddUser("alice", "alice@example.com", false)
	e.full = e.srv.IssueToken("admin")
	e.owner = e.srv.IssueToken("owner")
	e.mustStatus(e.call(e.url, e.owner, "POST", "/api/v1/organization/", `{"name":"acme"}`), 201)

	cfg := DefaultConfig()
	cfg.Features.SuperusersFullAccess = false
	e.lim = New(cfg)
	ls := httptest.NewServer(e.lim)
	t.Cleanup(ls.Close)
	e.limURL = ls.URL
	e.lim.AddUser("admin", "admin@example.com", true)
	e.lim.AddUser("bob", "bob@example.com", false)
	e.su = e.lim.IssueToken("admin")
	e.mustStatus(e.call(e.limURL, e.su, "POST", "/api/v1/organization/", `{"name":"acme"}`), 201)
	return e
}

type qsResp struct {
	status int
	body   string
	ctype  string
}

func (r qsResp) json(t *testing.T, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), into); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
}

// message is the text of a problem (detail) or message-shaped error body.
func (r qsResp) message(t *testing.T) (text, shape string) {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	if d, ok := m["detail"].(string); ok {
		first, _, _ := strings.Cut(d, "\n")
		return first, "P"
	}
	if s, ok := m["message"].(string); ok {
		return s, "M"
	}
	return "", "?"
}

func (e *qsEnv) call(base, token, method, path, body string) qsResp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return qsResp{status: resp.StatusCode, body: string(bytes.TrimSpace(b)), ctype: resp.Header.Get("Content-Type")}
}

func (e *qsEnv) mustStatus(r qsResp, want int) qsResp {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
	return r
}

func (e *qsEnv) expectError(r qsResp, status int, shape, text string) {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	got, gotShape := r.message(e.t)
	if gotShape != shape || got != text {
		e.t.Fatalf("error %s %q, want %s %q (body %s)", gotShape, got, shape, text, r.body)
	}
}

func (e *qsEnv) quotas(base, token, path string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	e.mustStatus(e.call(base, token, "GET", path, ""), 200).json(e.t, &out)
	return out
}

func TestQuotaOrgPathLifecycle(t *testing.T) {
	e := newQSEnv(t)
	const base = "/api/v1/organization/acme/quota"
	if got := e.quotas(e.url, e.full, base); len(got) != 0 {
		t.Fatalf("new org has quotas: %v", got)
	}
	r := e.mustStatus(e.call(e.url, e.full, "POST", base, `{"limit":"10 GiB"}`), 201)
	if r.body != `"Created"` {
		t.Fatalf("create body %s", r.body)
	}
	q := e.quotas(e.url, e.full, base)
	if len(q) != 1 || q[0]["limit_bytes"].(float64) != 10<<30 || q[0]["limit"] != "10.0 GiB" || q[0]["default_config"] != false {
		t.Fatalf("quota view %v", q)
	}
	id := itoa(int(q[0]["id"].(float64)))
	e.expectError(e.call(e.url, e.full, "POST", base, `{"limit_bytes":5}`), 400, "P", "Organization quota for 'acme' already exists")

	// The org admin may read but never write.
	e.mustStatus(e.call(e.url, e.owner, "GET", base, ""), 200)
	e.expectError(e.call(e.url, e.owner, "PUT", base+"/"+id, `{"limit_bytes":5}`), 403, "P", "Unauthorized")
	e.expectError(e.call(e.url, e.owner, "POST", base+"/"+id+"/limit", `{"type":"Warning","threshold_percent":80}`), 403, "P", "Unauthorized")

	// PUT: GB is decimal; 0 is ignored silently; negative refused.
	var view map[string]any
	e.mustStatus(e.call(e.url, e.full, "PUT", base+"/"+id, `{"limit":"2GB"}`), 200).json(t, &view)
	if view["limit_bytes"].(float64) != 2e9 {
		t.Fatalf("after PUT 2GB: %v", view)
	}
	e.mustStatus(e.call(e.url, e.full, "PUT", base+"/"+id, `{"limit_bytes":0}`), 200).json(t, &view)
	if view["limit_bytes"].(float64) != 2e9 {
		t.Fatalf("PUT 0 changed the quota: %v", view)
	}
	e.expectError(e.call(e.url, e.full, "PUT", base+"/"+id, `{"limit_bytes":-1}`), 400, "P", "Invalid quota size limit value: '-1'")
	e.expectError(e.call(e.url, e.full, "PUT", base+"/"+id, `{"limit":"100B"}`), 400, "P", invalidLimitFormat)
	// No branch of UpdateOrgQuota fits, and jsonschema 3.2's best_match
	// reports the first of the equally shallow branch errors.
	e.expectError(e.call(e.url, e.full, "PUT", base+"/"+id, `{"size":1}`), 400, "P", "'limit_bytes' is a required property")
	e.expectError(e.call(e.url, e.full, "GET", base+"/999999", ""), 404, "P", "Not Found")

	// Limits: threshold_percent in, limit_percent out; "Created" without id.
	lim := base + "/" + id + "/limit"
	e.mustStatus(e.call(e.url, e.full, "POST", lim, `{"type":"warning","threshold_percent":80}`), 201)
	e.expectError(e.call(e.url, e.full, "POST", lim, `{"type":"Warning","threshold_percent":80}`), 400, "P", "Quota limit already exists")
	e.expectError(e.call(e.url, e.full, "POST", lim, `{"type":"Info","threshold_percent":80}`), 400, "M", limitTypeMessage)
	e.expectError(e.call(e.url, e.full, "POST", lim, `{"type":"Reject","threshold_percent":0}`), 400, "P", limitThresholdMessage)
	e.expectError(e.call(e.url, e.full, "POST", lim, `{"type":"Reject","threshold_percent":101}`), 400, "M", limitThresholdMessage)
	e.expectError(e.call(e.url, e.full, "POST", lim, `{"type":"Reject"}`), 400, "P", "'threshold_percent' is a required property")
	var limits []map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", lim, ""), 200).json(t, &limits)
	if len(limits) != 1 || limits[0]["type"] != "Warning" || limits[0]["limit_percent"].(float64) != 80 {
		t.Fatalf("limits %v", limits)
	}
	lid := itoa(int(limits[0]["id"].(float64)))
	e.mustStatus(e.call(e.url, e.full, "PUT", lim+"/"+lid, `{"threshold_percent":70}`), 200).json(t, &view)
	if _, isQuota := view["limit_bytes"]; !isQuota {
		t.Fatalf("limit PUT should answer the whole quota view, got %v", view)
	}
	var one map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", lim+"/"+lid, ""), 200).json(t, &one)
	if one["limit_percent"].(float64) != 70 {
		t.Fatalf("limit after PUT: %v", one)
	}
	// The embedded short form in the org view.
	var org map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/organization/acme", ""), 200).json(t, &org)
	quotas := org["quotas"].([]any)
	if len(quotas) != 1 || len(quotas[0].(map[string]any)["limits"].([]any)) != 1 {
		t.Fatalf("org view quotas: %v", org["quotas"])
	}
	e.mustStatus(e.call(e.url, e.full, "DELETE", lim+"/"+lid, ""), 204)
	e.expectError(e.call(e.url, e.full, "DELETE", lim+"/"+lid, ""), 404, "P", "Not Found")

	e.mustStatus(e.call(e.url, e.full, "DELETE", base+"/"+id, ""), 204)
	e.expectError(e.call(e.url, e.full, "DELETE", base+"/"+id, ""), 404, "P", "Not Found")
}

// quotaPatternRepr is repr() of the "limit" pattern: Python doubles its backslashes.
const quotaPatternRepr = `'^(\\d+\\s?(B|KiB|MiB|GiB|TiB|PiB|EiB|ZiB|YiB|Ki|Mi|Gi|Ti|Pi|Ei|Zi|Yi|KB|MB|GB|TB|PB|EB|ZB|YB|K|M|G|T|P|E|Z|Y)?)$'`

func TestQuotaCreateValidation(t *testing.T) {
	e := newQSEnv(t)
	const base = "/api/v1/organization/acme/quota"
	// jsonschema 3.2's best_match descends into the failed oneOf and picks
	// its first branch's error (see jsonschema_test.go).
	e.expectError(e.call(e.url, e.full, "POST", base, `{}`), 400, "P", "'limit_bytes' is a required property")
	e.expectError(e.call(e.url, e.full, "POST", base, `{"limit_bytes":0}`), 400, "P", "Invalid quota size limit value: '0'")
	e.expectError(e.call(e.url, e.full, "POST", base, `{"limit":"1.5 GiB"}`), 400, "P", `'1.5 GiB' does not match `+quotaPatternRepr)
	e.expectError(e.call(e.url, e.full, "POST", base, `{"limit":"99999999 YiB"}`), 400, "P", "Unsupported quota size limit.")
	e.expectError(e.call(e.url, e.full, "POST", "/api/v1/organization/nope/quota", `{"limit_bytes":1}`), 404, "P", "Not Found")
	// A non-superuser asking about a missing org is refused before the lookup.
	e.expectError(e.call(e.url, e.owner, "GET", "/api/v1/organization/nope/quota", ""), 403, "P", "Unauthorized")
	r := e.call(e.url, e.full, "POST", base, `{"limit_bytes":1}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
}

// TestQuotaBothSizes pins issue 14 item 6: a body with both sizes is valid
// under both branches of NewOrgQuota's oneOf (endpoints/api/namespacequota.py),
// and jsonschema 3.2 prints the body, then the later valid branch, then the
// first (jsonschema/_validators.py oneOf). When only one branch fits, the
// body passes and the endpoint reads "limit" first.
func TestQuotaBothSizes(t *testing.T) {
	e := newQSEnv(t)
	const base = "/api/v1/organization/acme/quota"
	want := `{'limit': '1 GiB', 'limit_bytes': 5} is valid under each of ` +
		`{'required': ['limit'], 'properties': {'limit': {'type': 'string', 'description': 'Human readable storage capacity of the organization', 'pattern': ` + quotaPatternRepr + `}}}, ` +
		`{'required': ['limit_bytes'], 'properties': {'limit_bytes': {'type': 'integer', 'description': 'Number of bytes the organization is allowed'}}}`
	for _, p := range []string{base, "/api/v1/superuser/organization/acme/quota"} {
		e.expectError(e.call(e.url, e.full, "POST", p, `{"limit": "1 GiB", "limit_bytes": 5}`), 400, "P", want)
	}
	e.expectError(e.call(e.url, e.full, "POST", base, `{"limit_bytes": 5, "limit": "lots"}`), 400, "P", invalidLimitFormat)
	e.expectError(e.call(e.url, e.full, "POST", "/api/v1/superuser/organization/acme/quota", `{"limit_bytes": 5, "limit": "lots"}`), 400, "P", invalidLimitFormatSU)
	e.mustStatus(e.call(e.url, e.full, "POST", base, `{"limit_bytes": "5", "limit": "1 GiB"}`), 201)
	if q := e.quotas(e.url, e.full, base); len(q) != 1 || q[0]["limit_bytes"].(float64) != 1<<30 {
		t.Fatalf("quota from the valid branch: %v", q)
	}
	// The update schema has additionalProperties false in every branch, so
	// both sizes fit none; the deepest error is the third branch's "not".
	id := itoa(int(e.quotas(e.url, e.full, base)[0]["id"].(float64)))
	e.expectError(e.call(e.url, e.full, "PUT", base+"/"+id, `{"limit_bytes": 5, "limit": "1 GiB"}`), 400, "P", "{} is not allowed for 5")
	// A limit string of zero reads as "no change" on update.
	e.mustStatus(e.call(e.url, e.full, "PUT", base+"/"+id, `{"limit": "0"}`), 200)
}

func TestQuotaSuperuserPaths(t *testing.T) {
	e := newQSEnv(t)
	// Without full access the org path refuses writes, even to a superuser ...
	e.expectError(e.call(e.limURL, e.su, "POST", "/api/v1/organization/acme/quota", `{"limit_bytes":100}`), 403, "P", "Unauthorized")
	// ... but the superuser paths work, for orgs and users, under both prefixes.
	for _, p := range []string{"/api/v1/superuser/organization/acme/quota", "/api/v1/superuser/users/bob/quota"} {
		e.mustStatus(e.call(e.limURL, e.su, "POST", p, `{"limit":"1 Gi"}`), 201)
		q := e.quotas(e.limURL, e.su, p)
		if len(q) != 1 || q[0]["limit_bytes"].(float64) != 1<<30 {
			t.Fatalf("%s: %v", p, q)
		}
		id := itoa(int(q[0]["id"].(float64)))
		var view map[string]any
		e.mustStatus(e.call(e.limURL, e.su, "PUT", p+"/"+id, `{"limit_bytes":2048}`), 200).json(t, &view)
		if view["limit_bytes"].(float64) != 2048 || view["limit"] != "2.0 KiB" {
			t.Fatalf("PUT: %v", view)
		}
		ns := strings.Split(p, "/")[5]
		e.expectError(e.call(e.limURL, e.su, "POST", p, `{"limit_bytes":5}`), 400, "P", "Quota for '"+ns+"' already exists")
		// There are no limit endpoints on the superuser paths.
		r := e.call(e.limURL, e.su, "POST", p+"/"+id+"/limit", `{"type":"Warning","threshold_percent":50}`)
		if r.status != 405 || !strings.HasPrefix(r.ctype, "text/html") {
			t.Fatalf("superuser limit path: %d %s", r.status, r.body)
		}
		e.mustStatus(e.call(e.limURL, e.su, "DELETE", p+"/"+id, ""), 204)
		e.expectError(e.call(e.limURL, e.su, "DELETE", p+"/"+id, ""), 404, "P", "Not Found")
	}
	// The users prefix reaches orgs too (same code).
	e.mustStatus(e.call(e.limURL, e.su, "GET", "/api/v1/superuser/users/acme/quota", ""), 200)
	// A missing namespace: 404 on list, a bare 500 on writes.
	e.expectError(e.call(e.limURL, e.su, "GET", "/api/v1/superuser/organization/nope/quota", ""), 404, "P", "Not Found")
	if r := e.call(e.limURL, e.su, "POST", "/api/v1/superuser/organization/nope/quota", `{"limit_bytes":5}`); r.status != 500 {
		t.Fatalf("missing namespace create: %d", r.status)
	}
	// Non-superusers may not use them at all.
	bob := e.lim.IssueToken("bob")
	e.expectError(e.call(e.limURL, bob, "GET", "/api/v1/superuser/organization/acme/quota", ""), 403, "P", "Unauthorized")
	e.expectError(e.call(e.limURL, "", "GET", "/api/v1/superuser/organization/acme/quota", ""), 401, "P", "Requires authentication")
}

func TestQuotaUserNamespaceOnOrgPath(t *testing.T) {
	e := newQSEnv(t)
	// List and create on the org path accept organizations only ...
	e.expectError(e.call(e.url, e.full, "GET", "/api/v1/organization/alice/quota", ""), 404, "P", "Not Found")
	e.expectError(e.call(e.url, e.full, "POST", "/api/v1/organization/alice/quota", `{"limit_bytes":10}`), 404, "P", "Not Found")
	// ... but a user's quota, made through the superuser path, takes limits there.
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/users/alice/quota", `{"limit_bytes":1000}`), 201)
	q := e.quotas(e.url, e.full, "/api/v1/superuser/users/alice/quota")
	id := itoa(int(q[0]["id"].(float64)))
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/organization/alice/quota/"+id+"/limit", `{"type":"Reject","threshold_percent":90}`), 201)
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/organization/alice/quota/"+id, ""), 200)
	// A limit of another quota cannot be changed through this one.
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/organization/acme/quota", `{"limit_bytes":10}`), 201)
	other := e.quotas(e.url, e.full, "/api/v1/organization/acme/quota")
	oid := itoa(int(other[0]["id"].(float64)))
	var limits []map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/organization/alice/quota/"+id+"/limit", ""), 200).json(t, &limits)
	lid := itoa(int(limits[0]["id"].(float64)))
	e.expectError(e.call(e.url, e.full, "PUT", "/api/v1/organization/acme/quota/"+oid+"/limit/"+lid, `{"threshold_percent":10}`), 400, "M", "")
}

func TestQuotaRoutesFollowFeatureFlags(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Features.QuotaManagement = false
	s := New(cfg)
	s.AddUser("admin", "a@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	e := &qsEnv{t: t}
	r := e.call(hs.URL, s.IssueToken("admin"), "GET", "/api/v1/superuser/organization/x/quota", "")
	if r.status != 404 || !strings.HasPrefix(r.ctype, "text/html") {
		t.Fatalf("quota off: %d %s", r.status, r.ctype)
	}
	cfg = DefaultConfig()
	cfg.Features.SuperUsers = false
	s = New(cfg)
	hs2 := httptest.NewServer(s)
	defer hs2.Close()
	for _, p := range []string{"/api/v1/organization/x/quota", "/api/v1/superuser/keys"} {
		if r := e.call(hs2.URL, "", "GET", p, ""); r.status != 404 || !strings.HasPrefix(r.ctype, "text/html") {
			t.Fatalf("super users off, %s: %d", p, r.status)
		}
	}
}

func TestQuotaGoneWithNamespace(t *testing.T) {
	e := newQSEnv(t)
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/organization/acme/quota", `{"limit_bytes":10}`), 201)
	e.srv.SetNamespaceUsage("acme", 7)
	var org map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/organization/acme", ""), 200).json(t, &org)
	rep := org["quota_report"].(map[string]any)
	if rep["quota_bytes"].(float64) != 7 || rep["configured_quota"].(float64) != 10 {
		t.Fatalf("quota report %v", rep)
	}
	e.mustStatus(e.call(e.url, e.full, "DELETE", "/api/v1/organization/acme", ""), 204)
	e.srv.RunNamespaceGC() // frees the name
	e.mustStatus(e.call(e.url, e.owner, "POST", "/api/v1/organization/", `{"name":"acme"}`), 201)
	if q := e.quotas(e.url, e.full, "/api/v1/organization/acme/quota"); len(q) != 0 {
		t.Fatalf("a recreated org inherited the old quota: %v", q)
	}
}

func TestHumanBinary(t *testing.T) {
	for in, want := range map[int64]string{500: "500.0 Byte", 1024: "1.0 KiB", 10 << 30: "10.0 GiB", 1e9: "953.7 MiB"} {
		if got := humanBinary(in); got != want {
			t.Errorf("humanBinary(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestQuotaOrgPathWritesBefore316(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Features.SuperusersFullAccess = false
	cfg.Version = "3.15.2"
	s := New(cfg)
	s.AddUser("admin", "a@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	e := &qsEnv{t: t}
	tok := s.IssueToken("admin")
	e.mustStatus(e.call(hs.URL, tok, "POST", "/api/v1/organization/", `{"name":"acme"}`), 201)
	// Before 3.16 any superuser may write on the organization path.
	e.mustStatus(e.call(hs.URL, tok, "POST", "/api/v1/organization/acme/quota", `{"limit_bytes":100}`), 201)
	if !before316("3.15.2") || before316("3.16.0") || before316("dev") {
		t.Fatal("before316")
	}
}

package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// rawCall sends body as is with the given content type ("" for none).
func (e *orgTestEnv) rawCall(t *testing.T, method, path, token, contentType, body string) apiAnswer {
	t.Helper()
	req, _ := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := apiAnswer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

var robotTokenPattern = regexp.MustCompile(`^[A-Z0-9]{64}$`)

// robotNames lists the names of a robots list answer, in order.
func robotNames(t *testing.T, a apiAnswer) []string {
	t.Helper()
	list, ok := a.field("robots").([]any)
	if a.status != 200 || !ok {
		t.Fatalf("robots list: %d %s", a.status, a.raw)
	}
	var out []string
	for _, x := range list {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	return out
}

func TestRobotLifecycle(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	base := "/api/v1/organization/acme/robots/"

	// Create answers 201 with the token, and echoes the metadata as sent.
	a := e.call(t, "PUT", base+"ci", e.alice, map[string]any{"description": "CI pusher", "unstructured_metadata": map[string]any{"team": "build", "n": 1.5}})
	if a.status != 201 || a.field("name") != "acme+ci" || a.field("description") != "CI pusher" || a.field("last_accessed") != nil ||
		!robotTokenPattern.MatchString(a.field("token").(string)) {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	if md, _ := a.field("unstructured_metadata").(map[string]any); md["team"] != "build" || md["n"] != 1.5 {
		t.Fatalf("create metadata: %s", a.raw)
	}
	if !regexp.MustCompile(`^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} -0000$`).MatchString(a.field("created").(string)) {
		t.Fatalf("created date: %v", a.field("created"))
	}
	token := a.field("token").(string)
	if e.srv.RobotToken("acme+ci") != token {
		t.Fatal("RobotToken differs from the create answer")
	}

	// No body at all, an empty JSON body, or a body that is not JSON: a
	// robot without description; the create answer's metadata is null,
	// the stored one {}.
	for short, send := range map[string]func(string) apiAnswer{
		"nobody": func(p string) apiAnswer { return e.rawCall(t, "PUT", p, e.alice, "", "") },
		"empty":  func(p string) apiAnswer { return e.rawCall(t, "PUT", p, e.alice, "application/json", "") },
		"text":   func(p string) apiAnswer { return e.rawCall(t, "PUT", p, e.alice, "text/plain", "not json") },
		"broken": func(p string) apiAnswer { return e.rawCall(t, "PUT", p, e.alice, "application/json", "{not json") },
		"null":   func(p string) apiAnswer { return e.rawCall(t, "PUT", p, e.alice, "application/json", "null") },
	} {
		a := send(base + short)
		if a.status != 201 || a.field("description") != "" || !strings.Contains(a.raw, `"unstructured_metadata":null`) {
			t.Fatalf("create %s: %d %s", short, a.status, a.raw)
		}
		g := e.call(t, "GET", base+short, e.alice, nil)
		if md, ok := g.field("unstructured_metadata").(map[string]any); g.status != 200 || !ok || len(md) != 0 {
			t.Fatalf("get %s: %d %s", short, g.status, g.raw)
		}
	}

	// GET one: the view with token and stored metadata.
	g := e.call(t, "GET", base+"ci", e.alice, nil)
	if g.status != 200 || g.field("token") != token || g.field("name") != "acme+ci" || g.field("description") != "CI pusher" ||
		g.field("unstructured_metadata").(map[string]any)["team"] != "build" {
		t.Fatalf("get: %d %s", g.status, g.raw)
	}

	// The list: no metadata; tokens unless token=false.
	l := e.call(t, "GET", "/api/v1/organization/acme/robots", e.alice, nil)
	if got := robotNames(t, l); len(got) != 6 {
		t.Fatalf("list: %v", got)
	}
	for _, x := range l.field("robots").([]any) {
		v := x.(map[string]any)
		if _, has := v["unstructured_metadata"]; has || !robotTokenPattern.MatchString(v["token"].(string)) {
			t.Fatalf("list entry: %v", v)
		}
	}
	for _, q := range []string{"false", "0", "False", "null", ""} {
		l := e.call(t, "GET", "/api/v1/organization/acme/robots?token="+q, e.alice, nil)
		if strings.Contains(l.raw, `"token"`) {
			t.Fatalf("token=%s still shows tokens: %s", q, l.raw)
		}
	}
	// Any other value is true, as Quay's truthy_bool has it.
	if l := e.call(t, "GET", "/api/v1/organization/acme/robots?token=no", e.alice, nil); !strings.Contains(l.raw, `"token"`) {
		t.Fatalf("token=no hides tokens: %s", l.raw)
	}

	// Regenerate: a new token, no metadata in the answer.
	rg := e.call(t, "POST", base+"ci/regenerate", e.alice, nil)
	if rg.status != 200 || rg.field("token") == token || !robotTokenPattern.MatchString(rg.field("token").(string)) || strings.Contains(rg.raw, "unstructured_metadata") {
		t.Fatalf("regenerate: %d %s", rg.status, rg.raw)
	}
	if e.srv.RobotToken("acme+ci") != rg.field("token") {
		t.Fatal("regenerate did not store the new token")
	}

	// Delete: 204, then Quay's 400 {"message"} for a missing robot.
	if d := e.call(t, "DELETE", base+"ci", e.alice, nil); d.status != 204 || d.raw != "" {
		t.Fatalf("delete: %d %q", d.status, d.raw)
	}
	for _, call := range []apiAnswer{
		e.call(t, "DELETE", base+"ci", e.alice, nil),
		e.call(t, "GET", base+"ci", e.alice, nil),
		e.call(t, "POST", base+"ci/regenerate", e.alice, nil),
		e.call(t, "GET", base+"ci/permissions", e.alice, nil),
		e.call(t, "GET", base+"ci/federation", e.alice, nil),
	} {
		expectMessage(t, call, 400, "Could not find robot with specified username")
	}
	// The name is free at once (no garbage collection for robots).
	if a := e.call(t, "PUT", base+"ci", e.alice, nil); a.status != 201 || a.field("token") == token {
		t.Fatalf("re-create: %d %s", a.status, a.raw)
	}
	if got := e.srv.AllRobots(); !slices.Equal(got, []string{"acme+broken", "acme+ci", "acme+empty", "acme+nobody", "acme+null", "acme+text"}) {
		t.Fatalf("AllRobots: %v", got)
	}

	// Each write left Quay's log entry.
	var kinds []string
	e.srv.mu.Lock()
	for _, l := range e.srv.state.logs {
		if strings.Contains(l.kind, "robot") {
			kinds = append(kinds, l.kind)
		}
	}
	first := e.srv.state.logs[1]
	e.srv.mu.Unlock()
	if first.kind != "create_robot" || first.metadata["robot"] != "ci" || first.metadata["description"] != "CI pusher" || first.account != "acme" {
		t.Fatalf("create log: %+v", first)
	}
	if want := []string{"create_robot", "create_robot", "create_robot", "create_robot", "create_robot", "create_robot", "regenerate_robot_token", "delete_robot", "create_robot"}; !slices.Equal(kinds, want) {
		t.Fatalf("log kinds: %v", kinds)
	}
}

func TestRobotCreateChecks(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	base := "/api/v1/organization/acme/robots/"

	// The schema first, even for a caller without rights.
	long := strings.Repeat("d", 256)
	expectProblem(t, e.call(t, "PUT", base+"bot", e.bob, map[string]any{"description": long}), 400, "invalid_request",
		"'"+long+"' is too long\n\nFailed validating 'maxLength' in schema['properties']['description']:\n    {'description': 'Optional text description for the robot',\n     'maxLength': 255,\n     'type': 'string'}")
	expectProblem(t, e.call(t, "PUT", base+"bot", e.alice, map[string]any{"description": nil}), 400, "invalid_request", "None is not of type 'string'")
	expectProblem(t, e.call(t, "PUT", base+"bot", e.alice, map[string]any{"unstructured_metadata": "x"}), 400, "invalid_request", "'x' is not of type 'object'")
	expectProblem(t, e.call(t, "PUT", base+"bot", e.alice, map[string]any{"unstructured_metadata": nil}), 400, "invalid_request", "None is not of type 'object'")
	expectProblem(t, e.rawCall(t, "PUT", base+"bot", e.alice, "application/json", `["x"]`), 400, "invalid_request", "['x'] is not of type 'object'")
	// 255 characters pass.
	if a := e.call(t, "PUT", base+"long", e.alice, map[string]any{"description": long[:255]}); a.status != 201 {
		t.Fatalf("255-character description: %d %s", a.status, a.raw)
	}
	// Then the permission: 403, or 401 when anonymous for a GET.
	expectProblem(t, e.call(t, "PUT", base+"bot", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/nosuch/robots/bot", e.alice, nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", base+"bot", "", nil), 401, "invalid_token", "Requires authentication")
	// A full-access superuser reaches the organization lookup.
	expectMessage(t, e.call(t, "PUT", "/api/v1/organization/nosuch/robots/bot", e.admin, nil), 400, "Organization does not exist: nosuch")
	// Then the name, then an existing robot: PUT never updates.
	expectProblem(t, e.call(t, "PUT", base+"Bot", e.alice, nil), 400, "invalid_request",
		"The name for the robot 'Bot' is invalid: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$")
	expectProblem(t, e.call(t, "PUT", base+"b", e.alice, nil), 400, "invalid_request",
		"The name for the robot 'b' is invalid: Namespace must be between 2 and 255 characters in length")
	expectProblem(t, e.call(t, "PUT", base+"bot-", e.alice, nil), 400, "invalid_request",
		"The name for the robot 'bot-' is invalid: Namespace must match expression")
	if a := e.call(t, "PUT", base+"bot", e.alice, nil); a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "PUT", base+"bot", e.alice, map[string]any{"description": "again"}), 400, "invalid_request", "Existing robot with name: acme+bot")
	// A short name that fits but a full name that does not is the database's refusal.
	expectMessage(t, e.call(t, "PUT", base+strings.Repeat("r", 252), e.alice, nil), 400, "value too long for type character varying(255)\n")
	// A JSON body over 1 MiB trips the size guard, which Quay answers 500.
	big := `{"description": "` + strings.Repeat("x", 1024*1024) + `"}`
	if a := e.rawCall(t, "PUT", base+"huge", e.alice, "application/json", big); a.status != 500 {
		t.Fatalf("oversized body: %d", a.status)
	}

	// The user path checks the caller before the body.
	readOnly := e.srv.IssueToken("alice", "user:read", "org:admin")
	expectProblem(t, e.call(t, "PUT", "/api/v1/user/robots/bot", readOnly, map[string]any{"description": long}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "PUT", "/api/v1/user/robots/bot", e.alice, map[string]any{"description": long}), 400, "invalid_request", "'"+long+"' is too long")
}

func TestRobotsDisallow(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.RobotsDisallow = true })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	// Checked before the name.
	for _, short := range []string{"bot", "Bad"} {
		expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme/robots/"+short, e.alice, nil), 400, "invalid_request",
			"Robot accounts have been disabled. Please contact your administrator.")
		expectProblem(t, e.call(t, "PUT", "/api/v1/user/robots/"+short, e.alice, nil), 400, "invalid_request",
			"Robot accounts have been disabled. Please contact your administrator.")
	}
	cfg := e.call(t, "GET", "/config", "", nil).field("config").(map[string]any)
	if cfg["ROBOTS_DISALLOW"] != true {
		t.Fatalf("/config: %v", cfg)
	}
	// Robots made before the switch cannot log in.
	token := e.srv.AddRobot("acme", "old")
	req, _ := http.NewRequest("GET", e.http.URL+"/v2/auth?service=quay", nil)
	req.SetBasicAuth("acme+old", token)
	resp, body := doRegistry(t, req)
	if resp.StatusCode != 401 || !strings.Contains(body, "Robot account have been disabled. Please contact your administrator.") {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}

	// Without the setting, /config does not mention it.
	plain := newOrgTestEnv(t, nil)
	if _, has := plain.call(t, "GET", "/config", "", nil).field("config").(map[string]any)["ROBOTS_DISALLOW"]; has {
		t.Fatal("/config shows ROBOTS_DISALLOW unset")
	}
}

func TestUserRobots(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	a := e.call(t, "PUT", "/api/v1/user/robots/deploy", e.alice, map[string]any{"description": "mine"})
	if a.status != 201 || a.field("name") != "alice+deploy" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	e.call(t, "PUT", "/api/v1/user/robots/other", e.bob, nil)
	// Every call acts on the token's own user.
	if got := robotNames(t, e.call(t, "GET", "/api/v1/user/robots", e.alice, nil)); !slices.Equal(got, []string{"alice+deploy"}) {
		t.Fatalf("alice's list: %v", got)
	}
	if g := e.call(t, "GET", "/api/v1/user/robots/deploy", e.alice, nil); g.status != 200 || g.field("token") != e.srv.RobotToken("alice+deploy") {
		t.Fatalf("get: %d %s", g.status, g.raw)
	}
	expectMessage(t, e.call(t, "GET", "/api/v1/user/robots/deploy", e.bob, nil), 400, "Could not find robot with specified username")
	expectMessage(t, e.call(t, "DELETE", "/api/v1/user/robots/deploy", e.admin, nil), 400, "Could not find robot with specified username")
	if p := e.call(t, "GET", "/api/v1/user/robots/deploy/permissions", e.alice, nil); p.status != 200 || p.raw != `{"permissions":[]}`+"\n" {
		t.Fatalf("permissions: %d %s", p.status, p.raw)
	}
	// user:admin is required, 401 without a user.
	expectProblem(t, e.call(t, "GET", "/api/v1/user/robots", e.srv.IssueToken("alice", "user:read"), nil), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", "/api/v1/user/robots", "", nil), 401, "invalid_token", "Requires authentication")

	// Quay makes a user the admin of its own namespace, so the org paths
	// reach user robots where they do not load an organization.
	if got := robotNames(t, e.call(t, "GET", "/api/v1/organization/alice/robots", e.alice, nil)); !slices.Equal(got, []string{"alice+deploy"}) {
		t.Fatalf("org path on a user namespace: %v", got)
	}
	expectMessage(t, e.call(t, "GET", "/api/v1/organization/alice/robots/deploy", e.alice, nil), 400, "Organization does not exist: alice")
	expectMessage(t, e.call(t, "PUT", "/api/v1/organization/alice/robots/x2", e.alice, nil), 400, "Organization does not exist: alice")
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/alice/robots", e.bob, nil), 403, "insufficient_scope", "Unauthorized")

	if r := e.call(t, "POST", "/api/v1/user/robots/deploy/regenerate", e.alice, nil); r.status != 200 || r.field("token") != e.srv.RobotToken("alice+deploy") {
		t.Fatalf("regenerate: %d %s", r.status, r.raw)
	}
	if d := e.call(t, "DELETE", "/api/v1/user/robots/deploy", e.alice, nil); d.status != 204 {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}
	// Deleting a user takes its robots along.
	if a := e.call(t, "DELETE", "/api/v1/superuser/users/bob", e.admin, nil); a.status != 204 {
		t.Fatalf("delete bob: %d %s", a.status, a.raw)
	}
	if got := e.srv.AllRobots(); len(got) != 0 {
		t.Fatalf("robots left: %v", got)
	}
}

func TestRobotListViews(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	for _, org := range []string{"my_org", "myxorg"} {
		e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": org})
	}
	e.srv.AddRobot("my_org", "a1")
	e.srv.AddRobot("my_org", "a2")
	e.srv.AddRobot("myxorg", "b1")
	e.srv.AddRobot("my_org", "a3")

	// LIKE 'my_org+%': "_" matches any character, so myxorg's robot shows.
	// Never-used robots come first, in creation order.
	if got := robotNames(t, e.call(t, "GET", "/api/v1/organization/my_org/robots", e.alice, nil)); !slices.Equal(got, []string{"my_org+a1", "my_org+a2", "myxorg+b1", "my_org+a3"}) {
		t.Fatalf("list: %v", got)
	}
	if got := robotNames(t, e.call(t, "GET", "/api/v1/organization/myxorg/robots", e.alice, nil)); !slices.Equal(got, []string{"myxorg+b1"}) {
		t.Fatalf("myxorg list: %v", got)
	}
	// A login stamps last_accessed, which moves the robot behind the unused ones.
	e.registryToken(t, "my_org+a1", e.srv.RobotToken("my_org+a1"), "repository:my_org/app:pull")
	l := e.call(t, "GET", "/api/v1/organization/my_org/robots?limit=3", e.alice, nil)
	if got := robotNames(t, l); !slices.Equal(got, []string{"my_org+a2", "myxorg+b1", "my_org+a3"}) {
		t.Fatalf("after a login, limit 3: %v", got)
	}
	if g := e.call(t, "GET", "/api/v1/organization/my_org/robots/a1", e.alice, nil); g.field("last_accessed") == nil {
		t.Fatalf("last_accessed after a login: %s", g.raw)
	}
	a := e.call(t, "GET", "/api/v1/organization/my_org/robots?limit=x", e.alice, nil)
	if a.status != 400 || a.raw != `{"message":{"limit":"If specified, the number of robots to return. invalid literal for int() with base 10: 'x'"}}`+"\n" {
		t.Fatalf("bad limit: %d %s", a.status, a.raw)
	}

	// permissions=true adds teams and repositories; limit cuts the joined
	// rows, one per (repository, team) pair.
	e.call(t, "PUT", "/api/v1/organization/my_org/team/t1", e.alice, map[string]any{"role": "member"})
	e.call(t, "PUT", "/api/v1/organization/my_org/team/t2", e.alice, map[string]any{"role": "member"})
	for _, team := range []string{"t1", "t2"} {
		if a := e.call(t, "PUT", "/api/v1/organization/my_org/team/"+team+"/members/my_org+a2", e.alice, nil); a.status != 200 {
			t.Fatalf("add to %s: %d %s", team, a.status, a.raw)
		}
	}
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "my_org", "repository": "app", "visibility": "public", "description": ""})
	e.call(t, "PUT", "/api/v1/repository/my_org/app/permissions/user/my_org+a2", e.alice, map[string]any{"role": "write"})
	l = e.call(t, "GET", "/api/v1/organization/my_org/robots?permissions=true", e.alice, nil)
	var a2 map[string]any
	for _, x := range l.field("robots").([]any) {
		if v := x.(map[string]any); v["name"] == "my_org+a2" {
			a2 = v
		} else if len(v["teams"].([]any)) != 0 || len(v["repositories"].([]any)) != 0 {
			t.Fatalf("robot without permissions: %v", v)
		}
	}
	if teams := a2["teams"].([]any); len(teams) != 2 || teams[0].(map[string]any)["name"] != "t1" || a2["repositories"].([]any)[0] != "app" || a2["token"] == nil {
		t.Fatalf("permissions view: %v", a2)
	}
	// a2 is second and has two rows: limit 2 keeps one of them.
	l = e.call(t, "GET", "/api/v1/organization/my_org/robots?permissions=true&limit=2", e.alice, nil)
	if got := robotNames(t, l); !slices.Equal(got, []string{"my_org+a2"}) || len(l.field("robots").([]any)[0].(map[string]any)["teams"].([]any)) != 2 {
		t.Fatalf("limit over joined rows: %s", l.raw)
	}

	// A team member who is no admin lists the robots without tokens or permissions.
	e.call(t, "PUT", "/api/v1/organization/my_org/team/t1/members/bob", e.alice, nil)
	l = e.call(t, "GET", "/api/v1/organization/my_org/robots?permissions=true", e.bob, nil)
	if strings.Contains(l.raw, `"token"`) || strings.Contains(l.raw, `"teams"`) || len(robotNames(t, l)) != 4 {
		t.Fatalf("member's list: %s", l.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/my_org/robots/a1", e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	// A full-access superuser lists a missing organization as empty.
	if a := e.call(t, "GET", "/api/v1/organization/nosuch/robots", e.admin, nil); a.status != 200 || a.raw != `{"robots":[]}`+"\n" {
		t.Fatalf("missing org: %d %s", a.status, a.raw)
	}

	// Without FEATURE_USER_LAST_ACCESSED the list hides it; GET one does not.
	e.srv.mu.Lock()
	e.srv.cfg.Features.UserLastAccessed = false
	e.srv.mu.Unlock()
	for _, x := range e.call(t, "GET", "/api/v1/organization/my_org/robots", e.alice, nil).field("robots").([]any) {
		if v := x.(map[string]any); v["last_accessed"] != nil {
			t.Fatalf("list with the flag off: %v", v)
		}
	}
	if g := e.call(t, "GET", "/api/v1/organization/my_org/robots/a1", e.alice, nil); g.field("last_accessed") == nil {
		t.Fatalf("GET one with the flag off: %s", g.raw)
	}
}

func TestRobotListSuperuserBefore316(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Version = "3.15.0"; c.Features.SuperusersFullAccess = false })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.srv.AddRobot("acme", "bot")
	// Any superuser reads robots, tokens included, before 3.16.
	if g := e.call(t, "GET", "/api/v1/organization/acme/robots/bot", e.admin, nil); g.status != 200 || g.field("token") == nil {
		t.Fatalf("superuser read: %d %s", g.status, g.raw)
	}
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme/robots/other", e.admin, nil), 403, "insufficient_scope", "Unauthorized")

	later := newOrgTestEnv(t, func(c *Config) { c.Features.SuperusersFullAccess = false })
	later.call(t, "POST", "/api/v1/organization/", later.alice, map[string]any{"name": "acme"})
	later.srv.AddRobot("acme", "bot")
	expectProblem(t, later.call(t, "GET", "/api/v1/organization/acme/robots/bot", later.admin, nil), 403, "insufficient_scope", "Unauthorized")
}

func TestRobotFederation(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.srv.AddRobot("acme", "bot")
	fed := "/api/v1/organization/acme/robots/bot/federation"

	if g := e.call(t, "GET", fed, e.alice, nil); g.status != 200 || g.raw != "[]\n" {
		t.Fatalf("empty: %d %s", g.status, g.raw)
	}
	gh := map[string]any{"issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/app:ref:refs/heads/main", "audiences": []any{"x"}}
	p := e.call(t, "POST", fed, e.alice, []any{gh, map[string]any{"issuer": "http://idp.example", "subject": "job"}})
	if p.status != 200 || p.raw != `[{"issuer":"https://token.actions.githubusercontent.com","subject":"repo:acme/app:ref:refs/heads/main"},{"issuer":"http://idp.example","subject":"job"}]`+"\n" {
		t.Fatalf("set: %d %s", p.status, p.raw)
	}
	// POST replaces the list.
	e.call(t, "POST", fed, e.alice, []any{gh})
	if got := e.srv.RobotFederation("acme+bot"); len(got) != 1 || got[0][1] != "repo:acme/app:ref:refs/heads/main" {
		t.Fatalf("after replace: %v", got)
	}

	// Validation, before the robot is looked up.
	expectProblem(t, e.call(t, "POST", fed, e.alice, map[string]any{"issuer": "https://x"}), 400, "invalid_request", "{'issuer': 'https://x'} is not of type 'array'")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/robots/nosuch/federation", e.alice, []any{map[string]any{"subject": "s"}}), 400, "invalid_request",
		"'issuer' is a required property\n\nFailed validating 'required' in schema['items']:")
	for body, msg := range map[string]string{
		`[{"issuer": "", "subject": "s"}]`:                                                       "Missing one or more required fields (issuer, subject)",
		`[{"issuer": "https://x", "subject": ""}]`:                                               "Missing one or more required fields (issuer, subject)",
		`[{"issuer": "ftp://x", "subject": "s"}]`:                                                "Issuer must be a URL (http:// or https://)",
		`[{"issuer": "https://x", "subject": "s"}, {"issuer": "https://x", "subject": "s"}]`:     "Duplicate federation config entry",
		`[{"issuer": "https://x", "subject": "s"}, {"issuer": "x", "subject": "s"}]`:             "Issuer must be a URL (http:// or https://)",
		`[{"issuer": "https://x", "subject": 5}]`:                                                "5 is not of type 'string'",
		`[{"issuer": "https://x", "subject": "s"}, {"issuer": "https://x", "subject": "s2"}, 3]`: "3 is not of type 'object'",
	} {
		expectProblem(t, e.rawCall(t, "POST", "/api/v1/organization/acme/robots/nosuch/federation", e.alice, "application/json", body), 400, "invalid_request", msg)
	}
	expectMessage(t, e.call(t, "POST", "/api/v1/organization/acme/robots/nosuch/federation", e.alice, []any{gh}), 400, "Could not find robot with specified username")
}

func TestRobotFederationRequests(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.srv.AddRobot("acme", "bot")
	fed := "/api/v1/organization/acme/robots/bot/federation"
	expectProblem(t, e.rawCall(t, "POST", fed, e.alice, "application/json", "null"), 400, "invalid_request", "Missing JSON body")
	if a := e.rawCall(t, "POST", fed, e.alice, "text/plain", "[]"); a.status != 415 {
		t.Fatalf("wrong content type: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", fed, e.bob, []any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "GET", fed, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	e.call(t, "POST", fed, e.alice, []any{map[string]any{"issuer": "https://x", "subject": "s"}})
	// DELETE empties the list and may be repeated.
	for i := 0; i < 2; i++ {
		if d := e.call(t, "DELETE", fed, e.alice, nil); d.status != 204 {
			t.Fatalf("delete: %d %s", d.status, d.raw)
		}
	}
	if got := e.srv.RobotFederation("acme+bot"); len(got) != 0 {
		t.Fatalf("after delete: %v", got)
	}
	var kinds []string
	e.srv.mu.Lock()
	for _, l := range e.srv.state.logs {
		kinds = append(kinds, l.kind)
	}
	e.srv.mu.Unlock()
	if want := []string{"org_create", "create_robot_federation", "delete_robot_federation", "delete_robot_federation"}; !slices.Equal(kinds, want) {
		t.Fatalf("log kinds: %v", kinds)
	}

	// User paths, 3.18 on.
	e.call(t, "PUT", "/api/v1/user/robots/mine", e.bob, nil)
	if p := e.call(t, "POST", "/api/v1/user/robots/mine/federation", e.bob, []any{map[string]any{"issuer": "https://x", "subject": "s"}}); p.status != 200 {
		t.Fatalf("user federation: %d %s", p.status, p.raw)
	}
	if g := e.call(t, "GET", "/api/v1/user/robots/mine/federation", e.bob, nil); g.raw != `[{"issuer":"https://x","subject":"s"}]`+"\n" {
		t.Fatalf("user federation read: %s", g.raw)
	}

	// The paths exist from 3.13 (organizations) and 3.18 (users); before,
	// they fall through to the web UI's HTML pages.
	for _, v := range []struct {
		version       string
		org, userPath bool
	}{{"3.12.9", false, false}, {"3.13.0", true, false}, {"3.17.2", true, false}, {"3.18.0", true, true}} {
		old := newOrgTestEnv(t, func(c *Config) { c.Version = v.version })
		old.call(t, "POST", "/api/v1/organization/", old.alice, map[string]any{"name": "acme"})
		old.srv.AddRobot("acme", "bot")
		old.call(t, "PUT", "/api/v1/user/robots/mine", old.alice, nil)
		for path, want := range map[string]bool{"/api/v1/organization/acme/robots/bot/federation": v.org, "/api/v1/user/robots/mine/federation": v.userPath} {
			g := old.call(t, "GET", path, old.alice, nil)
			if (g.status == 200) != want || (!want && (g.status != 404 || !strings.HasPrefix(g.header.Get("Content-Type"), "text/html"))) {
				t.Errorf("%s on %s: %d %s", path, v.version, g.status, g.raw)
			}
			if d := old.call(t, "DELETE", path, old.alice, nil); !want && d.status != 405 {
				t.Errorf("DELETE %s on %s: %d", path, v.version, d.status)
			}
		}
	}
}

func TestRobotDeleteCascades(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/robots/bot", e.alice, nil)
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs", e.alice, map[string]any{"role": "member"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/acme+bot", e.alice, nil)
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	e.call(t, "PUT", "/api/v1/repository/acme/app/permissions/user/acme+bot", e.alice, map[string]any{"role": "write"})
	for _, body := range []map[string]any{
		{"role": "read", "delegate": map[string]any{"kind": "user", "name": "acme+bot"}},
		{"role": "read", "delegate": map[string]any{"kind": "team", "name": "devs"}, "activating_user": map[string]any{"name": "acme+bot"}},
		{"role": "write", "delegate": map[string]any{"kind": "user", "name": "bob"}},
	} {
		if a := e.call(t, "POST", "/api/v1/organization/acme/prototypes", e.alice, body); a.status != 200 {
			t.Fatalf("prototype %v: %d %s", body, a.status, a.raw)
		}
	}
	e.call(t, "POST", "/api/v1/organization/acme/robots/bot/federation", e.alice, []any{map[string]any{"issuer": "https://x", "subject": "s"}})
	if got := e.srv.RepositoryGrants("acme", "app"); !slices.Contains(got, "user:acme+bot=write") {
		t.Fatalf("grants before: %v", got)
	}

	if d := e.call(t, "DELETE", "/api/v1/organization/acme/robots/bot", e.alice, nil); d.status != 204 {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}
	if got := e.srv.TeamMemberships("acme")["devs"]; len(got) != 0 {
		t.Fatalf("team members after: %v", got)
	}
	if got := e.srv.RepositoryGrants("acme", "app"); !slices.Equal(got, []string{"user:alice=admin"}) {
		t.Fatalf("grants after: %v", got)
	}
	if got := e.srv.Prototypes("acme"); !slices.Equal(got, []string{"write user:bob"}) {
		t.Fatalf("prototypes after: %v", got)
	}
	// A robot of the same name starts afresh.
	e.call(t, "PUT", "/api/v1/organization/acme/robots/bot", e.alice, nil)
	if got := e.srv.RobotFederation("acme+bot"); len(got) != 0 {
		t.Fatalf("federation of the new robot: %v", got)
	}
	if p := e.call(t, "GET", "/api/v1/organization/acme/robots/bot/permissions", e.alice, nil); p.raw != `{"permissions":[]}`+"\n" {
		t.Fatalf("permissions of the new robot: %s", p.raw)
	}

	// Deleting the organization takes its robots.
	if d := e.call(t, "DELETE", "/api/v1/organization/acme", e.alice, nil); d.status != 204 {
		t.Fatalf("delete org: %d %s", d.status, d.raw)
	}
	if got := e.srv.AllRobots(); len(got) != 0 {
		t.Fatalf("robots after the org: %v", got)
	}
}

func TestRobotTeamMembership(t *testing.T) {
	for _, invites := range []bool{true, false} {
		e := newOrgTestEnv(t, func(c *Config) { c.Features.Mailing = invites; c.Features.RequireTeamInvite = true })
		e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
		e.call(t, "POST", "/api/v1/organization/", e.bob, map[string]any{"name": "other"})
		e.call(t, "PUT", "/api/v1/organization/acme/team/devs", e.alice, map[string]any{"role": "member"})
		e.srv.AddRobot("acme", "bot")
		e.srv.AddRobot("other", "bot")
		team := "/api/v1/organization/acme/team/devs/members/"

		// A robot of the organization is added, never invited.
		a := e.call(t, "PUT", team+"acme+bot", e.alice, nil)
		if a.status != 200 || a.field("invited") != false || a.field("is_robot") != true || a.field("kind") != "user" || a.field("avatar").(map[string]any)["kind"] != "robot" {
			t.Fatalf("invites=%v: add own robot: %d %s", invites, a.status, a.raw)
		}
		expectMessage(t, e.call(t, "PUT", team+"acme+bot", e.alice, nil), 400, "User acme+bot is already a member of team devs")
		// A missing robot is an unknown user.
		expectProblem(t, e.call(t, "PUT", team+"acme+nosuch", e.alice, nil), 400, "invalid_request", "Unknown user")
		// Another namespace's robot: refused only where invitations are required.
		other := e.call(t, "PUT", team+"other+bot", e.alice, nil)
		if invites {
			expectMessage(t, other, 400, "Cannot add the specified robot to this team, as it is not a member of the organization")
		} else if other.status != 200 || other.field("invited") != false {
			t.Fatalf("add another org's robot without invitations: %d %s", other.status, other.raw)
		}

		l := e.call(t, "GET", "/api/v1/organization/acme/team/devs/members", e.alice, nil)
		members := l.field("members").([]any)
		if m := members[0].(map[string]any); m["name"] != "acme+bot" || m["is_robot"] != true {
			t.Fatalf("members: %s", l.raw)
		}
		// The org's members list leaves robots out; the detail shows them.
		if m := e.call(t, "GET", "/api/v1/organization/acme/members", e.alice, nil); strings.Contains(m.raw, "+bot") {
			t.Fatalf("members list: %s", m.raw)
		}
		if d := e.call(t, "GET", "/api/v1/organization/acme/members/acme+bot", e.alice, nil); d.status != 200 || d.field("kind") != "robot" || len(d.field("teams").([]any)) != 1 {
			t.Fatalf("member detail: %d %s", d.status, d.raw)
		}
		// Removing a robot from the organization answers as for a non-user.
		expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme/members/acme+bot", e.alice, nil), 404, "not_found", "Not Found")
		if d := e.call(t, "DELETE", team+"acme+bot", e.alice, nil); d.status != 204 {
			t.Fatalf("remove: %d %s", d.status, d.raw)
		}
		expectProblem(t, e.call(t, "DELETE", team+"acme+nosuch", e.alice, nil), 404, "not_found", "Not Found")
		// Out of every team, the org's own robot is still a member; another's is not.
		if d := e.call(t, "GET", "/api/v1/organization/acme/members/acme+bot", e.alice, nil); d.status != 200 || len(d.field("teams").([]any)) != 0 {
			t.Fatalf("member detail of a robot in no team: %d %s", d.status, d.raw)
		}
		if !invites {
			e.call(t, "DELETE", team+"other+bot", e.alice, nil)
		}
		expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme/members/other+bot", e.alice, nil), 404, "not_found", "Not Found")
		expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme/members/acme+nosuch", e.alice, nil), 404, "not_found", "Not Found")
	}
}

func TestRobotRepositoryPermissions(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/organization/", e.bob, map[string]any{"name": "other"})
	e.srv.AddRobot("acme", "bot")
	e.srv.AddRobot("other", "bot")
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "public", "description": ""})
	base := "/api/v1/repository/acme/app/permissions/user/"

	p := e.call(t, "PUT", base+"acme+bot", e.alice, map[string]any{"role": "write"})
	if p.status != 200 || p.field("is_robot") != true || p.field("is_org_member") != true || p.field("name") != "acme+bot" {
		t.Fatalf("grant: %d %s", p.status, p.raw)
	}
	expectProblem(t, e.call(t, "PUT", base+"other+bot", e.alice, map[string]any{"role": "read"}), 400, "invalid_request", "Cannot add robot other+bot under namespace acme")
	expectProblem(t, e.call(t, "PUT", base+"acme+nosuch", e.alice, map[string]any{"role": "read"}), 400, "invalid_request", "Invalid username: acme+nosuch")

	want := `{"permissions":[{"repository":{"is_public":true,"name":"app"},"role":"write"}]}` + "\n"
	if g := e.call(t, "GET", "/api/v1/organization/acme/robots/bot/permissions", e.alice, nil); g.status != 200 || g.raw != want {
		t.Fatalf("robot permissions: %d %s", g.status, g.raw)
	}
	// The token needs user:admin; then an outsider gets Flask's 403.
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme/robots/bot/permissions", e.srv.IssueToken("alice", "org:admin"), nil), 403, "insufficient_scope", "Unauthorized")
	expectMessage(t, e.call(t, "GET", "/api/v1/organization/acme/robots/bot/permissions", e.bob, nil), 403,
		"You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.")
	expectMessage(t, e.call(t, "GET", "/api/v1/organization/nosuch/robots/bot/permissions", e.admin, nil), 400, "Organization does not exist: nosuch")

	// Default permissions name robots as delegates or creators; an
	// unknown robot answers as an unknown user.
	if a := e.call(t, "POST", "/api/v1/organization/acme/prototypes", e.alice, map[string]any{
		"role": "read", "delegate": map[string]any{"kind": "user", "name": "other+bot"}, "activating_user": map[string]any{"name": "acme+bot"},
	}); a.status != 200 || a.field("delegate").(map[string]any)["is_robot"] != true || a.field("activating_user").(map[string]any)["name"] != "acme+bot" {
		t.Fatalf("prototype with robots: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/prototypes", e.alice, map[string]any{
		"role": "read", "delegate": map[string]any{"kind": "user", "name": "acme+nosuch"},
	}), 400, "invalid_request", "Missing delegate user or team")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/prototypes", e.alice, map[string]any{
		"role": "read", "delegate": map[string]any{"kind": "team", "name": "owners"}, "activating_user": map[string]any{"name": "acme+nosuch"},
	}), 400, "invalid_request", "Unknown activating user")
}

// doRegistry sends a registry request and reads the answer.
func doRegistry(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func TestRobotRegistryPush(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	writer := e.srv.AddRobot("acme", "writer")
	reader := e.srv.AddRobot("acme", "reader")
	builder := e.srv.AddRobot("acme", "builder")
	e.call(t, "PUT", "/api/v1/repository/acme/app/permissions/user/acme+writer", e.alice, map[string]any{"role": "write"})
	e.call(t, "PUT", "/api/v1/repository/acme/app/permissions/user/acme+reader", e.alice, map[string]any{"role": "read"})
	config := []byte(`{"architecture":"amd64","os":"linux"}`)
	push := func(auth, repo string) int {
		t.Helper()
		resp, _ := e.registry(t, "POST", "/v2/"+repo+"/blobs/uploads/?digest="+sha256Digest(config), auth, "application/octet-stream", config)
		return resp.StatusCode
	}

	// Write permission: the token carries push, the upload succeeds.
	if got := push(e.registryToken(t, "acme+writer", writer, "repository:acme/app:push,pull"), "acme/app"); got != 201 {
		t.Fatalf("writer push: %d", got)
	}
	// Read only: the token carries pull alone, and the push is refused.
	auth := e.registryToken(t, "acme+reader", reader, "repository:acme/app:push,pull")
	if got := push(auth, "acme/app"); got != 401 {
		t.Fatalf("reader push: %d", got)
	}
	if resp, _ := e.registry(t, "GET", "/v2/acme/app/tags/list", auth, "", nil); resp.StatusCode != 200 {
		t.Fatalf("reader pull: %d", resp.StatusCode)
	}
	// No permission at all: no pull of a private repository either.
	none := e.registryToken(t, "acme+builder", builder, "repository:acme/app:push,pull")
	if resp, _ := e.registry(t, "GET", "/v2/acme/app/tags/list", none, "", nil); resp.StatusCode != 401 {
		t.Fatalf("pull without permission: %d", resp.StatusCode)
	}

	// Through a team: write on the repository, or the creator role, which
	// lets a push create a repository (the robot then administers it).
	e.call(t, "PUT", "/api/v1/organization/acme/team/ci", e.alice, map[string]any{"role": "creator"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/ci/members/acme+builder", e.alice, nil)
	if got := push(e.registryToken(t, "acme+builder", builder, "repository:acme/fresh:push,pull"), "acme/fresh"); got != 201 {
		t.Fatalf("creator-team push to a new repository: %d", got)
	}
	if got := e.srv.RepositoryGrants("acme", "fresh"); !slices.Equal(got, []string{"user:acme+builder=admin"}) {
		t.Fatalf("grants of the pushed repository: %v", got)
	}
	if got := push(e.registryToken(t, "acme+builder", builder, "repository:acme/app:push"), "acme/app"); got != 401 {
		t.Fatalf("creator-team push to an existing repository: %d", got)
	}
	e.call(t, "PUT", "/api/v1/repository/acme/app/permissions/team/ci", e.alice, map[string]any{"role": "write"})
	if got := push(e.registryToken(t, "acme+builder", builder, "repository:acme/app:push"), "acme/app"); got != 201 {
		t.Fatalf("push through a team grant: %d", got)
	}

	// Wrong credentials, in Quay's words.
	for _, c := range []struct{ user, password, msg string }{
		{"acme+writer", "WRONG", "Could not find robot with username: acme+writer and supplied password."},
		{"acme+nosuch", writer, "Could not find robot with specified username"},
	} {
		req, _ := http.NewRequest("GET", e.http.URL+"/v2/auth?service=quay&scope=repository:acme/app:pull", nil)
		req.SetBasicAuth(c.user, c.password)
		resp, body := doRegistry(t, req)
		if resp.StatusCode != 401 || !strings.Contains(body, `"code":"UNAUTHORIZED"`) || !strings.Contains(body, c.msg) {
			t.Fatalf("%s: %d %s", c.user, resp.StatusCode, body)
		}
	}
	// A regenerated token replaces the old one at once.
	newToken := e.call(t, "POST", "/api/v1/organization/acme/robots/writer/regenerate", e.alice, nil).field("token").(string)
	req, _ := http.NewRequest("GET", e.http.URL+"/v2/auth?service=quay", nil)
	req.SetBasicAuth("acme+writer", writer)
	if resp, _ := doRegistry(t, req); resp.StatusCode != 401 {
		t.Fatalf("old token after regenerate: %d", resp.StatusCode)
	}
	e.registryToken(t, "acme+writer", newToken, "repository:acme/app:pull")
	if g := e.call(t, "GET", "/api/v1/organization/acme/robots/writer", e.alice, nil); g.field("last_accessed") == nil {
		t.Fatalf("last_accessed after logins: %s", g.raw)
	}
}

func TestRobotBuildPullRobot(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/organization/", e.bob, map[string]any{"name": "other"})
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	e.srv.AddRobot("acme", "puller")
	e.srv.AddRobot("other", "puller")
	build := "/api/v1/repository/acme/app/build/"
	body := func(robot string) map[string]any {
		return map[string]any{"archive_url": "https://example.com/ctx.tar.gz", "pull_robot": robot}
	}
	expectProblem(t, e.call(t, "POST", build, e.alice, body("acme+nosuch")), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "POST", build, e.alice, body("other+puller")), 403, "insufficient_scope", "Unauthorized")
	a := e.call(t, "POST", build, e.alice, body("acme+puller"))
	if pr, _ := a.field("pull_robot").(map[string]any); a.status != 201 || pr["name"] != "acme+puller" || pr["is_robot"] != true || pr["kind"] != "user" {
		t.Fatalf("build with a pull robot: %d %s", a.status, a.raw)
	}
}

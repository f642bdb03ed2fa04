package emulator

import (
	"strings"
	"testing"
	"time"
)

func TestAutoPruneOrgPolicies(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	const base = "/api/v1/organization/acme/autoprunepolicy/"

	// The schema comes before the permission; validation messages.
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{"method": "number_of_tags"}), 400, "invalid_request", "'value' is a required property")
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{"method": "number_of_tags", "value": 3}), 403, "insufficient_scope", "Unauthorized")
	for _, tc := range []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"method": "keep", "value": 3}, "Invalid method provided"},
		{map[string]any{"method": "number_of_tags", "value": "3"}, "Invalid value given for method type"},
		{map[string]any{"method": "number_of_tags", "value": 0}, "Invalid value given for method type"},
		{map[string]any{"method": "creation_date", "value": 7}, "Invalid value given for method type"},
		{map[string]any{"method": "creation_date", "value": "7D"}, "Invalid value given for method type"},
		{map[string]any{"method": "creation_date", "value": "d"}, "Invalid value given for method type"},
		{map[string]any{"method": "creation_date", "value": "7d", "tagPattern": "  "}, "tag_pattern cannot be empty"},
		{map[string]any{"method": "creation_date", "value": 2.5}, "2.5 is not of type 'integer', 'string'"},
		{map[string]any{"method": "creation_date", "value": "7d", "tagPatternMatches": "no"}, "'no' is not of type 'boolean'"},
	} {
		expectProblem(t, e.call(t, "POST", base, e.alice, tc.body), 400, "invalid_request", tc.msg)
	}
	// 5.0 passes the schema (Draft 7) but is no Python int.
	expectProblem(t, e.rawCall(t, "POST", base, e.alice, "application/json", `{"method": "number_of_tags", "value": 5.0}`), 400, "invalid_request", "Invalid value given for method type")
	// Python's timedelta overflows past 999999999 days: a 500.
	if a := e.call(t, "POST", base, e.alice, map[string]any{"method": "creation_date", "value": "1000000000d"}); a.status != 500 {
		t.Fatalf("overflow: %d %s", a.status, a.raw)
	}

	a := e.call(t, "POST", base, e.alice, map[string]any{"method": "number_of_tags", "value": 10})
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	uuid := a.field("uuid").(string)
	// Exact duplicates only, and the value's type counts.
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"method": "number_of_tags", "value": 10, "tagPatternMatches": true}), 400, "invalid_request",
		"Existing policy with same values for this namespace, duplicate policies are not permitted")
	if a := e.call(t, "POST", base, e.alice, map[string]any{"method": "number_of_tags", "value": 10, "tagPattern": " ^dev "}); a.status != 201 {
		t.Fatalf("second policy with a pattern: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "POST", base, e.alice, map[string]any{"method": "creation_date", "value": " 7d"}); a.status != 201 {
		t.Fatalf("' 7d' is accepted: %d %s", a.status, a.raw)
	}
	list := e.call(t, "GET", base, e.alice, nil)
	policies := list.field("policies").([]any)
	if len(policies) != 3 {
		t.Fatalf("list: %s", list.raw)
	}
	second := policies[1].(map[string]any)
	if second["tagPattern"] != "^dev" || second["tagPatternMatches"] != true || second["value"] != float64(10) {
		t.Fatalf("view: %v", second)
	}
	if p := policies[2].(map[string]any); p["value"] != " 7d" || p["tagPattern"] != nil {
		t.Fatalf("string value kept as sent: %v", p)
	}
	expectProblem(t, e.call(t, "GET", base, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
	if a := e.call(t, "GET", base+uuid, e.alice, nil); a.status != 200 || a.field("method") != "number_of_tags" {
		t.Fatalf("get: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", base+"nosuch", e.alice, nil), 404, "not_found", "Not Found")

	// PUT: the policy is looked up before the settings are checked, and
	// duplicates are not checked.
	expectProblem(t, e.call(t, "PUT", base+"nosuch", e.alice, map[string]any{"method": "bad", "value": 1}), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "PUT", base+uuid, e.alice, map[string]any{"method": "bad", "value": 1}), 400, "invalid_request", "Invalid method provided")
	if a := e.call(t, "PUT", base+uuid, e.alice, map[string]any{"method": "number_of_tags", "value": 10, "tagPattern": "^dev"}); a.status != 204 || a.raw != "" {
		t.Fatalf("update: %d %q", a.status, a.raw)
	}
	if a := e.call(t, "GET", base+uuid, e.alice, nil); a.field("tagPattern") != "^dev" {
		t.Fatalf("after update: %s", a.raw)
	}
	if a := e.call(t, "DELETE", base+uuid, e.alice, nil); a.status != 200 || a.field("uuid") != uuid {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", base+uuid, e.alice, nil), 404, "not_found", "Not Found")
	// A full-access superuser on a missing namespace: 404 on create.
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/nosuch/autoprunepolicy/", e.admin, map[string]any{"method": "number_of_tags", "value": 1}), 404, "not_found", "Not Found")
	if a := e.call(t, "GET", "/api/v1/organization/nosuch/autoprunepolicy/", e.admin, nil); a.status != 200 || len(a.field("policies").([]any)) != 0 {
		t.Fatalf("superuser list of a missing namespace: %d %s", a.status, a.raw)
	}

	// The policies go with the organization.
	if got := e.srv.AllAutoPrunePolicies(); len(got) != 2 || !strings.HasPrefix(got[0], "acme/") {
		t.Fatalf("all: %v", got)
	}
	e.call(t, "DELETE", "/api/v1/organization/acme", e.alice, nil)
	if got := e.srv.AllAutoPrunePolicies(); len(got) != 0 {
		t.Fatalf("after the org is gone: %v", got)
	}
}

func TestAutoPruneUserAndRepositoryPolicies(t *testing.T) {
	e := newTagEnv(t, nil)
	user := "/api/v1/user/autoprunepolicy/"
	a := e.call(t, "POST", user, e.bob, map[string]any{"method": "creation_date", "value": "2w"})
	if a.status != 201 {
		t.Fatalf("user create: %d %s", a.status, a.raw)
	}
	uuid := a.field("uuid").(string)
	// Another user cannot see it through their own path.
	expectProblem(t, e.call(t, "GET", user+uuid, e.alice, nil), 404, "not_found", "Not Found")
	if a := e.call(t, "GET", "/api/v1/organization/bob/autoprunepolicy/"+uuid, e.admin, nil); a.status != 200 {
		t.Fatalf("a full-access superuser reads it through the organization path: %d %s", a.status, a.raw)
	}
	noUser := e.srv.IssueToken("bob", "org:admin")
	expectProblem(t, e.call(t, "GET", user, noUser, nil), 403, "insufficient_scope", "Unauthorized")

	repo := "/api/v1/repository/acme/app/autoprunepolicy/"
	// require_repo_admin comes before the schema.
	expectProblem(t, e.call(t, "POST", repo, e.bob, map[string]any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", repo, e.alice, map[string]any{}), 400, "invalid_request", "'method' is a required property")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository/acme/nosuch/autoprunepolicy/", e.alice, map[string]any{"method": "number_of_tags", "value": 1}), 404, "not_found", "Not Found")
	a = e.call(t, "POST", repo, e.alice, map[string]any{"method": "number_of_tags", "value": 2})
	if a.status != 201 {
		t.Fatalf("repo create: %d %s", a.status, a.raw)
	}
	ruuid := a.field("uuid").(string)
	expectProblem(t, e.call(t, "POST", repo, e.alice, map[string]any{"method": "number_of_tags", "value": 2}), 400, "invalid_request",
		"Existing policy with same values for this repository, duplicate policies are not permitted")
	if a := e.call(t, "POST", repo, e.alice, map[string]any{"method": "number_of_tags", "value": "2"}); a.status != 400 {
		t.Fatalf("string count: %d", a.status)
	}
	if a := e.call(t, "GET", repo+ruuid, e.alice, nil); a.status != 200 || a.field("value") != float64(2) {
		t.Fatalf("repo get: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "PUT", repo+ruuid, e.alice, map[string]any{"method": "number_of_tags", "value": 3}); a.status != 204 {
		t.Fatalf("repo update: %d %s", a.status, a.raw)
	}
	if got := e.srv.AllAutoPrunePolicies(); len(got) != 2 || got[0] != "acme/app/"+ruuid || got[1] != "bob/"+uuid {
		t.Fatalf("all: %v", got)
	}
	// The repository's policies go with it; a re-created one has none.
	e.call(t, "DELETE", "/api/v1/repository/acme/app", e.alice, nil)
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	if a := e.call(t, "GET", repo, e.alice, nil); a.status != 200 || len(a.field("policies").([]any)) != 0 {
		t.Fatalf("re-created repository: %d %s", a.status, a.raw)
	}
}

func TestAutoPruneVersions(t *testing.T) {
	// 3.12: one policy per target, checked before the settings; no pattern.
	e := newTagEnv(t, func(c *Config) { c.Version = "3.12.4" })
	base := "/api/v1/organization/acme/autoprunepolicy/"
	a := e.call(t, "POST", base, e.alice, map[string]any{"method": "number_of_tags", "value": 5, "tagPattern": "x"})
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"method": "bad", "value": 5}), 400, "invalid_request",
		"Policy for this namespace already exists, delete existing to create new policy")
	got := e.call(t, "GET", base+a.field("uuid").(string), e.alice, nil)
	if _, has := got.body.(map[string]any)["tagPattern"]; has || got.field("value") != float64(5) {
		t.Fatalf("3.12 view: %s", got.raw)
	}
	repo := "/api/v1/repository/acme/app/autoprunepolicy/"
	e.call(t, "POST", repo, e.alice, map[string]any{"method": "creation_date", "value": "1d"})
	expectProblem(t, e.call(t, "POST", repo, e.alice, map[string]any{"method": "creation_date", "value": "2d"}), 400, "invalid_request",
		"Policy for this repository already exists, delete existing to create new policy")

	// 3.10: namespace policies only.
	old := newTagEnv(t, func(c *Config) { c.Version = "3.10.3" })
	if a := old.call(t, "GET", repo, old.alice, nil); a.status != 404 || !strings.Contains(a.raw, "<html>") {
		t.Fatalf("3.10 repository policies: %d %s", a.status, a.raw)
	}
	if a := old.call(t, "GET", base, old.alice, nil); a.status != 200 {
		t.Fatalf("3.10 namespace policies: %d %s", a.status, a.raw)
	}
}

// ageTag moves the start of a tag of acme/app into the past.
func ageTag(e *orgTestEnv, tag string, age time.Duration) {
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	e.srv.state.repo("acme", "app").tags[tag].start = time.Now().Add(-age).Truncate(time.Millisecond)
}

func TestRunAutoPrune(t *testing.T) {
	e := newTagEnv(t, nil)
	for i, tag := range []string{"dev-1", "dev-2", "v1", "v2", "dev-3", "keep"} {
		e.push(t, "acme/app", tag, tag)
		ageTag(e, tag, time.Duration(10-i)*24*time.Hour) // dev-1 oldest
	}
	e.call(t, "PUT", "/api/v1/repository/acme/app/tag/keep", e.alice, map[string]any{"immutable": true})
	ageTag(e, "keep", 30*24*time.Hour)
	// A namespace policy keeps the two newest tags matching "dev" (searched,
	// not anchored); a repository policy prunes tags older than 7 days that
	// do not match "^v".
	e.call(t, "POST", "/api/v1/organization/acme/autoprunepolicy/", e.alice, map[string]any{"method": "number_of_tags", "value": 1, "tagPattern": "dev"})
	e.call(t, "POST", "/api/v1/repository/acme/app/autoprunepolicy/", e.alice, map[string]any{"method": "creation_date", "value": "7d", "tagPattern": "^v", "tagPatternMatches": false})
	// A read-only repository of a namespace with policies is skipped.
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "frozen", "visibility": "private", "description": ""})
	e.push(t, "acme/frozen", "dev-a", "a")
	e.push(t, "acme/frozen", "dev-b", "b")
	e.call(t, "PUT", "/api/v1/repository/acme/frozen/changestate", e.alice, map[string]any{"state": "READ_ONLY"})

	pruned := e.srv.RunAutoPrune()
	// creation_date first: dev-1 (10d), dev-2 (9d) are older than 7 days
	// and do not match ^v; then number_of_tags on what is left of "dev":
	// dev-3 is the only one and stays. keep is immutable.
	if got := strings.Join(pruned, ","); got != "acme/app:dev-1,acme/app:dev-2" {
		t.Fatalf("pruned: %s", got)
	}
	if got := strings.Join(e.srv.RepositoryTags("acme", "app"), ","); got != "dev-3,keep,v1,v2" {
		t.Fatalf("left: %s", got)
	}
	if got := strings.Join(e.srv.RepositoryTags("acme", "frozen"), ","); got != "dev-a,dev-b" {
		t.Fatalf("read-only repository pruned: %s", got)
	}
	// The pruned tags are in the history listing as ended rows.
	all := e.call(t, "GET", "/api/v1/repository/acme/app/tag/?filter_tag_name=eq:dev-1", e.alice, nil)
	if tags := all.field("tags").([]any); len(tags) != 1 || tags[0].(map[string]any)["end_ts"] == nil {
		t.Fatalf("pruned row: %s", all.raw)
	}
	logs := e.call(t, "GET", "/api/v1/repository/acme/app/logs", e.alice, nil)
	if !strings.Contains(logs.raw, "autoprune_tag_delete") {
		t.Fatalf("logs: %s", logs.raw)
	}

	// Only repository policies: a count policy keeps the newest tags.
	e2 := newTagEnv(t, nil)
	for i, tag := range []string{"a", "b", "c"} {
		e2.push(t, "acme/app", tag, tag)
		ageTag(e2, tag, time.Duration(3-i)*time.Hour)
	}
	e2.call(t, "POST", "/api/v1/repository/acme/app/autoprunepolicy/", e2.alice, map[string]any{"method": "number_of_tags", "value": 2})
	if got := strings.Join(e2.srv.RunAutoPrune(), ","); got != "acme/app:a" {
		t.Fatalf("count policy: %s", got)
	}
}

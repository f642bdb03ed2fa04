package emulator

import (
	"strings"
	"testing"
	"time"
)

func TestImmutabilityOrgPolicies(t *testing.T) {
	e := newTagEnv(t, nil)
	e.push(t, "acme/app", "v1", "one")
	e.push(t, "acme/app", "v1.2", "two")
	e.push(t, "acme/app", "latest", "three")
	// An expiring tag loses its expiration when a policy marks it.
	e.call(t, "PUT", "/api/v1/repository/acme/app/tag/v1.2", e.alice, map[string]any{"expiration": time.Now().Add(2 * time.Hour).Unix()})
	const base = "/api/v1/organization/acme/immutabilitypolicy/"

	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{}), 400, "invalid_request", "'tagPattern' is a required property")
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{"tagPattern": "v1"}), 403, "insufficient_scope", "Unauthorized")
	for _, tc := range []struct{ pattern, msg string }{
		{"  ", "tag_pattern is required and must be a non-empty string"},
		{strings.Repeat("a", 257), "tag_pattern must be 256 characters or less"},
		{"(", "Invalid regex pattern: missing ) at position 1"},
		{"a)", "Invalid regex pattern: unbalanced parenthesis at position 1"},
		{"[a", "Invalid regex pattern: unterminated character set at position 2"},
		{"*", "Invalid regex pattern: nothing to repeat at position 0"},
		{"a**", "Invalid regex pattern: multiple repeat at position 2"},
		{"a{2,1}", "Invalid regex pattern: min repeat greater than max repeat at position 2"},
		{"[z-a]", "Invalid regex pattern: bad character range at position 4"},
		{"\\q", "Invalid regex pattern: bad escape \\q at position 2"},
		{"ab\\", "Invalid regex pattern: bad escape (end of pattern) at position 3"},
	} {
		expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"tagPattern": tc.pattern}), 400, "invalid_request", tc.msg)
	}
	// Python accepts lookarounds; the emulator does too (they never match).
	if a := e.call(t, "POST", base, e.alice, map[string]any{"tagPattern": "(?=x)y"}); a.status != 201 {
		t.Fatalf("lookahead: %d %s", a.status, a.raw)
	}

	a := e.call(t, "POST", base, e.alice, map[string]any{"tagPattern": " v1.* "})
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	uuid := a.field("uuid").(string)
	// Full match: v1 and v1.2 are now immutable, latest is not; v1.2 lost
	// its expiration.
	for tag, want := range map[string]bool{"v1": true, "v1.2": true, "latest": false} {
		if _, imm, _ := e.srv.TagInfo("acme", "app", tag); imm != want {
			t.Errorf("%s immutable = %v", tag, imm)
		}
	}
	if entry := tagEntry(t, e.call(t, "GET", "/api/v1/repository/acme/app/tag/?onlyActiveTags=true", e.alice, nil), "v1.2"); entry["expiration"] != nil {
		t.Fatalf("expiration kept: %v", entry)
	}
	// Duplicates by pattern alone.
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"tagPattern": "v1.*", "tagPatternMatches": false}), 400, "invalid_request", duplicateImmutabilityPolicy)
	a = e.call(t, "GET", base+uuid, e.alice, nil)
	if a.status != 200 || a.field("tagPattern") != "v1.*" || a.field("tagPatternMatches") != true {
		t.Fatalf("get: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "GET", base, e.alice, nil); len(a.field("policies").([]any)) != 2 {
		t.Fatalf("list: %s", a.raw)
	}
	expectProblem(t, e.call(t, "GET", base+"nosuch", e.alice, nil), 404, "not_found", "Not Found")

	// A pushed tag that matches is created immutable.
	e.push(t, "acme/app", "v1.3", "four")
	if _, imm, _ := e.srv.TagInfo("acme", "app", "v1.3"); !imm {
		t.Fatal("new tag not immutable")
	}
	// Update: the pattern is checked before the policy is looked up; the
	// updated policy applies at once; its own pattern is no duplicate.
	expectProblem(t, e.call(t, "PUT", base+"nosuch", e.alice, map[string]any{"tagPattern": "("}), 400, "invalid_request", "Invalid regex pattern")
	expectProblem(t, e.call(t, "PUT", base+"nosuch", e.alice, map[string]any{"tagPattern": "x"}), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "PUT", base+uuid, e.alice, map[string]any{"tagPattern": "(?=x)y"}), 400, "invalid_request", duplicateImmutabilityPolicy)
	if a := e.call(t, "PUT", base+uuid, e.alice, map[string]any{"tagPattern": "v1.*", "tagPatternMatches": false}); a.status != 204 {
		t.Fatalf("update: %d %s", a.status, a.raw)
	}
	if _, imm, _ := e.srv.TagInfo("acme", "app", "latest"); !imm {
		t.Fatal("inverted policy did not mark latest")
	}
	// Deleting reverts nothing.
	if a := e.call(t, "DELETE", base+uuid, e.alice, nil); a.status != 200 || a.field("uuid") != uuid {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", base+uuid, e.alice, nil), 404, "not_found", "Not Found")
	if _, imm, _ := e.srv.TagInfo("acme", "app", "v1"); !imm {
		t.Fatal("delete reverted immutability")
	}
	// A full-access superuser naming a missing namespace: the model's
	// uncaught error.
	expectMessage(t, e.call(t, "POST", "/api/v1/organization/nosuch/immutabilitypolicy/", e.admin, map[string]any{"tagPattern": "x"}), 400, "Username does not exist: nosuch")
	expectMessage(t, e.call(t, "DELETE", "/api/v1/organization/nosuch/immutabilitypolicy/x", e.admin, nil), 400, "Username does not exist: nosuch")
	if got := e.srv.AllImmutabilityPolicies(); len(got) != 1 || !strings.HasPrefix(got[0], "acme/") {
		t.Fatalf("all: %v", got)
	}
}

func TestImmutabilityRepositoryPolicies(t *testing.T) {
	e := newTagEnv(t, func(c *Config) { c.Features.ImmutableTagsCanExpire = true })
	e.push(t, "acme/app", "stable", "one")
	e.call(t, "PUT", "/api/v1/repository/acme/app/tag/stable", e.alice, map[string]any{"expiration": time.Now().Add(2 * time.Hour).Unix()})
	const base = "/api/v1/repository/acme/app/immutabilitypolicy/"
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository/acme/nosuch/immutabilitypolicy/", e.alice, map[string]any{"tagPattern": "x"}), 404, "not_found", "Not Found")
	a := e.call(t, "POST", base, e.alice, map[string]any{"tagPattern": "stable"})
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	uuid := a.field("uuid").(string)
	// With FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE the expiration stays.
	entry := tagEntry(t, e.call(t, "GET", "/api/v1/repository/acme/app/tag/?onlyActiveTags=true", e.alice, nil), "stable")
	if entry["immutable"] != true || entry["expiration"] == nil {
		t.Fatalf("stable: %v", entry)
	}
	if a := e.call(t, "GET", base+uuid, e.alice, nil); a.status != 200 || a.field("tagPattern") != "stable" {
		t.Fatalf("get: %d %s", a.status, a.raw)
	}
	if got := e.srv.AllImmutabilityPolicies(); len(got) != 1 || got[0] != "acme/app/"+uuid {
		t.Fatalf("all: %v", got)
	}
	// The policy goes with its repository.
	e.call(t, "DELETE", "/api/v1/repository/acme/app", e.alice, nil)
	if got := e.srv.AllImmutabilityPolicies(); len(got) != 0 {
		t.Fatalf("after delete: %v", got)
	}
}

func TestProxyCacheRefusedWithImmutableTags(t *testing.T) {
	e := newTagEnv(t, nil)
	e.push(t, "acme/app", "v1", "one")
	e.call(t, "PUT", "/api/v1/repository/acme/app/tag/v1", e.alice, map[string]any{"immutable": true})
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/proxycache", e.alice, map[string]any{"upstream_registry": "quay.io"}), 400, "invalid_request",
		"Cannot convert organization to proxy cache: immutable tags exist")
	e.call(t, "PUT", "/api/v1/repository/acme/app/tag/v1", e.alice, map[string]any{"immutable": false})
	if a := e.call(t, "POST", "/api/v1/organization/acme/proxycache", e.alice, map[string]any{"upstream_registry": "quay.io"}); a.status != 201 {
		t.Fatalf("proxy cache without immutable tags: %d %s", a.status, a.raw)
	}
}

func TestAutoPruneSkipsImmutableTags(t *testing.T) {
	e := newTagEnv(t, nil)
	for _, tag := range []string{"a", "b", "c"} {
		e.push(t, "acme/app", tag, tag)
		ageTag(e, tag, 48*time.Hour)
	}
	e.call(t, "POST", "/api/v1/repository/acme/app/immutabilitypolicy/", e.alice, map[string]any{"tagPattern": "b"})
	e.call(t, "POST", "/api/v1/repository/acme/app/autoprunepolicy/", e.alice, map[string]any{"method": "creation_date", "value": "1d"})
	if got := strings.Join(e.srv.RunAutoPrune(), ","); got != "acme/app:a,acme/app:c" {
		t.Fatalf("pruned: %s", got)
	}
}

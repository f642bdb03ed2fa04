package emulator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// push uploads a config blob and a layer made of content to ns/name
// (creating the repository when alice may) and puts a manifest by tag as
// user alice; it returns the manifest digest and the manifest PUT's answer.
func (e *orgTestEnv) push(t *testing.T, repoPath, tag, content string) (digest string, status int, body string) {
	t.Helper()
	auth := e.registryToken(t, "$oauthtoken", e.alice, "repository:"+repoPath+":push,pull")
	config := []byte(`{"architecture":"amd64","os":"linux"}`)
	layer := []byte(content)
	for _, b := range [][]byte{config, layer} {
		if resp, body := e.registry(t, "POST", "/v2/"+repoPath+"/blobs/uploads/?digest="+sha256Digest(b), auth, "application/octet-stream", b); resp.StatusCode != 201 {
			t.Fatalf("blob: %d %s", resp.StatusCode, body)
		}
	}
	m, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": mediaTypeOCIManifest,
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256Digest(config), "size": len(config)},
		"layers": []any{map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha256Digest(layer), "size": len(layer)}},
	})
	resp, out := e.registry(t, "PUT", "/v2/"+repoPath+"/manifests/"+tag, auth, mediaTypeOCIManifest, m)
	return sha256Digest(m), resp.StatusCode, out
}

// tagNames lists the names in a tag listing answer.
func tagNames(t *testing.T, a apiAnswer) []string {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("tag list: %d %s", a.status, a.raw)
	}
	var out []string
	for _, x := range a.field("tags").([]any) {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	return out
}

func tagEntry(t *testing.T, a apiAnswer, name string) map[string]any {
	t.Helper()
	for _, x := range a.field("tags").([]any) {
		if m := x.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no tag %s in %s", name, a.raw)
	return nil
}

func newTagEnv(t *testing.T, mutate func(*Config)) *orgTestEnv {
	t.Helper()
	e := newOrgTestEnv(t, mutate)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""})
	return e
}

func TestTagListing(t *testing.T) {
	e := newTagEnv(t, nil)
	d1, _, _ := e.push(t, "acme/app", "v1", "one")
	time.Sleep(2 * time.Millisecond)
	d2, _, _ := e.push(t, "acme/app", "v2", "two")
	time.Sleep(2 * time.Millisecond)
	e.push(t, "acme/app", "latest", "two")
	time.Sleep(2 * time.Millisecond)
	// Moving v1 ends its first row: the full listing shows both.
	if st := e.call(t, "PUT", "/api/v1/repository/acme/app/tag/v1", e.alice, map[string]any{"manifest_digest": d2}); st.status != 201 || strings.TrimSpace(st.raw) != `"Updated"` {
		t.Fatalf("move: %d %s", st.status, st.raw)
	}
	const base = "/api/v1/repository/acme/app/tag/"
	if got := strings.Join(tagNames(t, e.call(t, "GET", base+"?onlyActiveTags=true", e.alice, nil)), ","); got != "v1,latest,v2" {
		t.Fatalf("active tags, newest first: %s", got)
	}
	all := e.call(t, "GET", base, e.alice, nil)
	if got := strings.Join(tagNames(t, all), ","); got != "v1,latest,v2,v1" {
		t.Fatalf("history: %s", got)
	}
	old := all.field("tags").([]any)[3].(map[string]any)
	if old["manifest_digest"] != d1 || old["end_ts"] == nil || old["expiration"] == nil || old["immutable"] != false || old["reversion"] != false {
		t.Fatalf("ended row: %v", old)
	}
	live := tagEntry(t, all, "v2")
	if _, has := live["end_ts"]; has || live["start_ts"] == nil || live["last_modified"] == nil || live["is_manifest_list"] != false || live["size"] != float64(3) {
		t.Fatalf("live row: %v", live)
	}
	// Paging: limit+1 rows tell has_additional; limit is capped at 100.
	a := e.call(t, "GET", base+"?onlyActiveTags=true&limit=2&page=2", e.alice, nil)
	if got := strings.Join(tagNames(t, a), ","); got != "v2" || a.field("has_additional") != false || a.field("page") != float64(2) {
		t.Fatalf("page 2: %s", a.raw)
	}
	a = e.call(t, "GET", base+"?onlyActiveTags=true&limit=2", e.alice, nil)
	if a.field("has_additional") != true {
		t.Fatalf("page 1: %s", a.raw)
	}
	// filter_tag_name: like is a case-insensitive substring, eq exact.
	if got := strings.Join(tagNames(t, e.call(t, "GET", base+"?onlyActiveTags=true&filter_tag_name=like:V", e.alice, nil)), ","); got != "v1,v2" {
		t.Fatalf("like: %s", got)
	}
	// LIKE wildcards in the value are not escaped.
	if got := strings.Join(tagNames(t, e.call(t, "GET", base+"?onlyActiveTags=true&filter_tag_name=like:l_t%25t", e.alice, nil)), ","); got != "latest" {
		t.Fatalf("like with wildcards: %s", got)
	}
	if got := strings.Join(tagNames(t, e.call(t, "GET", base+"?filter_tag_name=eq:v1", e.alice, nil)), ","); got != "v1,v1" {
		t.Fatalf("eq: %s", got)
	}
	if got := strings.Join(tagNames(t, e.call(t, "GET", base+"?specificTag=latest", e.alice, nil)), ","); got != "latest" {
		t.Fatalf("specificTag: %s", got)
	}
	expectMessage(t, e.call(t, "GET", base+"?filter_tag_name=v1", e.alice, nil), 400,
		"Unsupported syntax for filter_tag_name. Expected <operation>:<tag_name> where <operation>can be 'like' or 'eq'.")
	if a := e.call(t, "GET", base+"?limit=x", e.alice, nil); a.status != 400 || !strings.Contains(a.raw, `"limit":"Limit to the number of results to return per page. Max 100. invalid literal for int() with base 10: 'x'"`) {
		t.Fatalf("bad limit: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/repository/acme/nosuch/tag/", e.alice, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "GET", base, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
}

func TestTagPutAndDelete(t *testing.T) {
	e := newTagEnv(t, nil)
	d1, _, _ := e.push(t, "acme/app", "v1", "one")
	const tag = "/api/v1/repository/acme/app/tag/"
	// The permission, then the body, then the tag name, then the manifest.
	expectProblem(t, e.call(t, "PUT", tag+"prod", e.bob, map[string]any{"manifest_digest": d1}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"immutable": "yes"}), 400, "invalid_request", "'yes' is not of type 'boolean'")
	expectMessage(t, e.call(t, "PUT", tag+".bad", e.alice, map[string]any{"manifest_digest": d1}), 400, tagError)
	expectProblem(t, e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"manifest_digest": "sha256:0000"}), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"manifest_digest": nil}), 404, "not_found", "Not Found")
	if a := e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"manifest_digest": d1}); a.status != 201 {
		t.Fatalf("create tag: %d %s", a.status, a.raw)
	}
	if d, imm, ok := e.srv.TagInfo("acme", "app", "prod"); !ok || d != d1 || imm {
		t.Fatalf("TagInfo: %s %v %v", d, imm, ok)
	}
	// Expiration: past is a bare 400; a missing tag 404; a future one is
	// kept at least an hour after the tag's start.
	expectMessage(t, e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"expiration": time.Now().Add(-time.Hour).Unix()}), 400, badRequestText)
	expectProblem(t, e.call(t, "PUT", tag+"nosuch", e.alice, map[string]any{"expiration": nil}), 404, "not_found", "Not Found")
	if a := e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"expiration": time.Now().Add(time.Minute).Unix()}); a.status != 201 {
		t.Fatalf("expiration: %d %s", a.status, a.raw)
	}
	entry := tagEntry(t, e.call(t, "GET", tag+"?onlyActiveTags=true", e.alice, nil), "prod")
	if end, start := entry["end_ts"].(float64), entry["start_ts"].(float64); end-start < 3599 || end-start > 3601 || entry["expiration"] == nil {
		t.Fatalf("clamped expiration: %v", entry)
	}
	if a := e.call(t, "PUT", tag+"prod", e.alice, map[string]any{"expiration": nil}); a.status != 201 {
		t.Fatalf("clear expiration: %d %s", a.status, a.raw)
	}
	// An expired tag is no longer live.
	e.srv.mu.Lock()
	past := time.Now().Add(-time.Second)
	e.srv.state.repo("acme", "app").tags["prod"].end = &past
	e.srv.mu.Unlock()
	if _, _, ok := e.srv.TagInfo("acme", "app", "prod"); ok {
		t.Fatal("expired tag is live")
	}
	expectProblem(t, e.call(t, "DELETE", tag+"prod", e.alice, nil), 404, "not_found", "Not Found")

	if a := e.call(t, "DELETE", tag+"v1", e.alice, nil); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", tag+"v1", e.alice, nil), 404, "not_found", "Not Found")
	// The manifest stays: the tag can be made again from its digest.
	if a := e.call(t, "PUT", tag+"v1", e.alice, map[string]any{"manifest_digest": d1}); a.status != 201 {
		t.Fatalf("re-create: %d %s", a.status, a.raw)
	}

	// A read-only repository refuses tag writes with 503, before the body.
	e.call(t, "PUT", "/api/v1/repository/acme/app/changestate", e.alice, map[string]any{"state": "READ_ONLY"})
	expectMessage(t, e.call(t, "PUT", tag+"v1", e.alice, map[string]any{"immutable": "x"}), 503, "Repository is in read only or mirror mode: 1")
	expectMessage(t, e.call(t, "DELETE", tag+"v1", e.alice, nil), 503, "Repository is in read only or mirror mode: 1")
}

func TestTagStateMessageBefore315(t *testing.T) {
	e := newTagEnv(t, func(c *Config) { c.Version = "3.14.2" })
	e.call(t, "PUT", "/api/v1/repository/acme/app/changestate", e.alice, map[string]any{"state": "MIRROR"})
	expectMessage(t, e.call(t, "DELETE", "/api/v1/repository/acme/app/tag/v1", e.alice, nil), 503, "Repository is in read only or mirror mode: RepositoryState.MIRROR")
}

func TestImmutableTags(t *testing.T) {
	e := newTagEnv(t, nil)
	d1, _, _ := e.push(t, "acme/app", "v1", "one")
	const tag = "/api/v1/repository/acme/app/tag/"
	e.call(t, "POST", "/api/v1/organization/acme/team/devs", e.alice, nil)
	e.call(t, "PUT", "/api/v1/repository/acme/app/permissions/user/bob", e.alice, map[string]any{"role": "write"})

	if a := e.call(t, "PUT", tag+"v1", e.bob, map[string]any{"immutable": true}); a.status != 201 {
		t.Fatalf("writer sets immutable: %d %s", a.status, a.raw)
	}
	if _, imm, _ := e.srv.TagInfo("acme", "app", "v1"); !imm {
		t.Fatal("not immutable")
	}
	if !tagEntry(t, e.call(t, "GET", tag, e.alice, nil), "v1")["immutable"].(bool) {
		t.Fatal("listing lacks immutable")
	}
	// Clearing needs admin; moving, deleting, expiring and pushing over
	// it are refused.
	expectProblem(t, e.call(t, "PUT", tag+"v1", e.bob, map[string]any{"immutable": false}), 403, "insufficient_scope", "Unauthorized")
	d2, _, _ := e.push(t, "acme/app", "v2", "two")
	expectProblem(t, e.call(t, "PUT", tag+"v1", e.alice, map[string]any{"manifest_digest": d2}), 409, "tag_immutable", "Cannot overwrite immutable tag 'v1'")
	expectProblem(t, e.call(t, "DELETE", tag+"v1", e.alice, nil), 409, "tag_immutable", "Cannot delete immutable tag 'v1'")
	expectMessage(t, e.call(t, "PUT", tag+"v1", e.alice, map[string]any{"expiration": time.Now().Add(2 * time.Hour).Unix()}), 400, "Cannot set expiration on immutable tag 'v1'")
	_, status, body := e.push(t, "acme/app", "v1", "three")
	if status != 409 || body != `{"errors":[{"code":"TAG_IMMUTABLE","detail":{"message":"tag 'v1' is immutable"},"message":"tag is immutable and cannot be overwritten"}]}`+"\n" {
		t.Fatalf("push over immutable: %d %s", status, body)
	}
	if d, _, _ := e.srv.TagInfo("acme", "app", "v1"); d != d1 {
		t.Fatalf("v1 moved to %s", d)
	}
	// An expiring tag cannot be made immutable (without CAN_EXPIRE).
	e.call(t, "PUT", tag+"v2", e.alice, map[string]any{"expiration": time.Now().Add(2 * time.Hour).Unix()})
	expectMessage(t, e.call(t, "PUT", tag+"v2", e.alice, map[string]any{"immutable": true}), 400,
		"Cannot make tag 'v2' immutable: tag has expiration set. Clear expiration first or enable FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE.")
	if a := e.call(t, "PUT", tag+"v1", e.alice, map[string]any{"immutable": false}); a.status != 201 {
		t.Fatalf("admin clears immutable: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "DELETE", tag+"v1", e.alice, nil); a.status != 204 {
		t.Fatalf("delete after clearing: %d %s", a.status, a.raw)
	}
}

func TestImmutableTagsFeatureOff(t *testing.T) {
	e := newTagEnv(t, func(c *Config) { c.Features.ImmutableTags = false })
	e.push(t, "acme/app", "v1", "one")
	const tag = "/api/v1/repository/acme/app/tag/"
	// immutable is ignored, and the listing has no such field.
	if a := e.call(t, "PUT", tag+"v1", e.alice, map[string]any{"immutable": true}); a.status != 201 {
		t.Fatalf("immutable ignored: %d %s", a.status, a.raw)
	}
	if _, has := tagEntry(t, e.call(t, "GET", tag, e.alice, nil), "v1")["immutable"]; has {
		t.Fatal("immutable listed with the flag off")
	}
	if a := e.call(t, "DELETE", tag+"v1", e.alice, nil); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
}

func TestFeatureFlagsInConfig(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	a := e.call(t, "GET", "/config", "", nil)
	f := a.field("features").(map[string]any)
	if f["AUTO_PRUNE"] != true || f["IMMUTABLE_TAGS"] != true || f["IMMUTABLE_TAGS_CAN_EXPIRE"] != false || f["QUOTA_NOTIFICATIONS"] != true {
		t.Fatalf("features: %v", f)
	}
	if a.field("config").(map[string]any)["FEATURE_AUTO_PRUNE"] != true {
		t.Fatalf("config: %s", a.raw)
	}
	var zero Features
	off := newOrgTestEnv(t, func(c *Config) { c.Features = zero; c.Features.SuperUsers = true; c.Features.AnonymousAccess = true })
	f = off.call(t, "GET", "/config", "", nil).field("features").(map[string]any)
	if f["AUTO_PRUNE"] != false || f["IMMUTABLE_TAGS"] != false || f["QUOTA_NOTIFICATIONS"] != false {
		t.Fatalf("features off: %v", f)
	}
	// Off on a version that predates them: absent, as from Quay's defaults.
	old := newOrgTestEnv(t, func(c *Config) {
		c.Version = "3.16.1"
		c.Features.ImmutableTags, c.Features.QuotaNotifications = false, false
	})
	f = old.call(t, "GET", "/config", "", nil).field("features").(map[string]any)
	if _, has := f["IMMUTABLE_TAGS"]; has || f["AUTO_PRUNE"] != true {
		t.Fatalf("3.16 features: %v", f)
	}
	if _, has := f["QUOTA_NOTIFICATIONS"]; has {
		t.Fatalf("3.16 features: %v", f)
	}
	for _, p := range []string{
		"/api/v1/organization/acme/autoprunepolicy/", "/api/v1/user/autoprunepolicy/", "/api/v1/repository/acme/app/autoprunepolicy/",
		"/api/v1/organization/acme/immutabilitypolicy/", "/api/v1/repository/acme/app/immutabilitypolicy/",
		"/api/v1/organization/acme/immutabilitypolicy/x", "/api/v1/organization/acme/notifications",
		"/api/v1/user/namespacenotifications", "/api/v1/user/namespacenotifications/x/test",
		// (Paths under a repository that do not end in "/" fall to the
		// repository's own route, as in Quay.)
	} {
		if a := off.call(t, "GET", p, off.alice, nil); a.status != 404 || !strings.Contains(a.raw, "<html>") {
			t.Errorf("GET %s with the flag off: %d %s", p, a.status, a.raw)
		}
		if a := off.call(t, "POST", p, off.alice, map[string]any{}); a.status != 405 || !strings.Contains(a.raw, "<html>") {
			t.Errorf("POST %s with the flag off: %d %s", p, a.status, a.raw)
		}
	}
}

func TestFeatureVersions(t *testing.T) {
	for _, tc := range []struct {
		version              string
		immutability, quotas bool
	}{{"3.16.3", false, false}, {"3.17.0", true, false}, {"3.18.0", true, true}} {
		e := newOrgTestEnv(t, func(c *Config) { c.Version = tc.version })
		e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
		if a := e.call(t, "GET", "/api/v1/organization/acme/immutabilitypolicy/", e.alice, nil); (a.status == 200) != tc.immutability {
			t.Errorf("%s immutability: %d", tc.version, a.status)
		}
		if a := e.call(t, "GET", "/api/v1/organization/acme/notifications", e.alice, nil); (a.status == 200) != tc.quotas {
			t.Errorf("%s quota notifications: %d", tc.version, a.status)
		}
		// The flags are reported whatever the version, when they are on.
		if f := e.call(t, "GET", "/config", "", nil).field("features").(map[string]any); f["IMMUTABLE_TAGS"] != true || f["QUOTA_NOTIFICATIONS"] != true {
			t.Errorf("%s features: %v", tc.version, f)
		}
	}
}

package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func (e *orgTestEnv) registry(t *testing.T, method, path, auth, contentType string, body []byte) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.http.URL+path, bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (e *orgTestEnv) registryToken(t *testing.T, user, password, scope string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+"/v2/auth?service=quay&scope="+scope, nil)
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 || out.Token == "" {
		t.Fatalf("token for %s: %d", user, resp.StatusCode)
	}
	return "Bearer " + out.Token
}

func TestRegistryPush(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})

	resp, _ := e.registry(t, "GET", "/v2/", "", "", nil)
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Bearer realm="`+e.http.URL+`/v2/auth",service="`) {
		t.Fatalf("challenge: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	req, _ := http.NewRequest("GET", e.http.URL+"/v2/auth?service=quay&scope=repository:acme/app:push,pull", nil)
	req.SetBasicAuth("alice", "wrong")
	if r, _ := http.DefaultClient.Do(req); r.StatusCode != 401 {
		t.Fatalf("bad password: %d", r.StatusCode)
	} else {
		r.Body.Close()
	}

	// A push to a missing repository of an org the user may create in
	// creates it, private and without a description.
	auth := e.registryToken(t, "$oauthtoken", e.alice, "repository:acme/app:push,pull")
	if got := e.srv.Repositories(); len(got) != 1 || got[0] != "acme/app" {
		t.Fatalf("repositories after the token: %v", got)
	}
	if resp, _ := e.registry(t, "GET", "/v2/", auth, "", nil); resp.StatusCode != 200 {
		t.Fatalf("/v2/ with a token: %d", resp.StatusCode)
	}
	config := []byte(`{"architecture":"amd64","os":"linux"}`)
	layer := []byte("layer")
	// Monolithic in one POST, and as POST then PUT.
	resp, body := e.registry(t, "POST", "/v2/acme/app/blobs/uploads/?digest="+sha256Digest(config), auth, "application/octet-stream", config)
	if resp.StatusCode != 201 {
		t.Fatalf("single POST: %d %s", resp.StatusCode, body)
	}
	resp, body = e.registry(t, "POST", "/v2/acme/app/blobs/uploads/", auth, "", nil)
	if resp.StatusCode != 202 {
		t.Fatalf("start upload: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if resp, body := e.registry(t, "PUT", loc+"?digest="+sha256Digest([]byte("other")), auth, "application/octet-stream", layer); resp.StatusCode != 400 || !strings.Contains(body, "DIGEST_INVALID") {
		t.Fatalf("wrong digest: %d %s", resp.StatusCode, body)
	}
	resp, _ = e.registry(t, "POST", "/v2/acme/app/blobs/uploads/", auth, "", nil)
	loc = resp.Header.Get("Location")
	if resp, body := e.registry(t, "PUT", loc+"?digest="+sha256Digest(layer), auth, "application/octet-stream", layer); resp.StatusCode != 201 {
		t.Fatalf("finish upload: %d %s", resp.StatusCode, body)
	}
	if resp, _ := e.registry(t, "HEAD", "/v2/acme/app/blobs/"+sha256Digest(layer), auth, "", nil); resp.StatusCode != 200 || resp.Header.Get("Content-Length") != "5" {
		t.Fatalf("HEAD blob: %d %v", resp.StatusCode, resp.Header)
	}
	manifest := func(layerDigest string) []byte {
		m, _ := json.Marshal(map[string]any{
			"schemaVersion": 2, "mediaType": mediaTypeOCIManifest,
			"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256Digest(config), "size": len(config)},
			"layers": []any{map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layerDigest, "size": 5}},
		})
		return m
	}
	if resp, body := e.registry(t, "PUT", "/v2/acme/app/manifests/v1", auth, mediaTypeOCIManifest, manifest(sha256Digest([]byte("missing")))); resp.StatusCode != 400 || !strings.Contains(body, "MANIFEST_BLOB_UNKNOWN") {
		t.Fatalf("manifest with a missing blob: %d %s", resp.StatusCode, body)
	}
	m := manifest(sha256Digest(layer))
	resp, body = e.registry(t, "PUT", "/v2/acme/app/manifests/v1", auth, mediaTypeOCIManifest, m)
	if resp.StatusCode != 201 || resp.Header.Get("Docker-Content-Digest") != sha256Digest(m) {
		t.Fatalf("manifest: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := e.registry(t, "GET", "/v2/acme/app/tags/list", auth, "", nil); resp.StatusCode != 200 || body != `{"name":"acme/app","tags":["v1"]}`+"\n" {
		t.Fatalf("tags: %d %s", resp.StatusCode, body)
	}
	a := e.call(t, "GET", "/api/v1/repository/acme/app/tag/?onlyActiveTags=true&limit=100", e.alice, nil)
	tags, _ := a.field("tags").([]any)
	if a.status != 200 || len(tags) != 1 || tags[0].(map[string]any)["manifest_digest"] != sha256Digest(m) || tags[0].(map[string]any)["size"] != float64(5) || a.field("has_additional") != false {
		t.Fatalf("tag listing: %d %s", a.status, a.raw)
	}
	a = e.call(t, "GET", "/api/v1/repository/acme/app", e.alice, nil)
	if a.field("description") != nil || a.field("is_public") != false || a.field("tags").(map[string]any)["v1"] == nil {
		t.Fatalf("pushed repository: %s", a.raw)
	}

	// A user without rights gets a token without push, and the push fails.
	e.srv.SetPassword("bob", "bobsecret")
	bob := e.registryToken(t, "bob", "bobsecret", "repository:acme/other:push,pull")
	if resp, _ := e.registry(t, "POST", "/v2/acme/other/blobs/uploads/", bob, "", nil); resp.StatusCode != 401 {
		t.Fatalf("push without rights: %d", resp.StatusCode)
	}
	if got := e.srv.Repositories(); len(got) != 1 {
		t.Fatalf("repositories: %v", got)
	}
}

// Package registryclient pushes a small image to a Quay's registry API
// (/v2/) the way a container tool does, for the tests and the demo; the
// same code runs against the emulator and a real Quay.
package registryclient

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// testImage builds a one-file layer (gzipped tar), its image config and
// the OCI manifest that ties them together.
func testImage(name string) (config, layer, manifest []byte, err error) {
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	content := []byte("pushed by the terraform-provider-quay tests: " + name + "\n")
	if err := tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(content)), ModTime: time.Unix(0, 0)}); err != nil {
		return nil, nil, nil, err
	}
	if _, err := tw.Write(content); err != nil {
		return nil, nil, nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, nil, nil, err
	}
	var gzBuf bytes.Buffer
	gz := gzip.NewWriter(&gzBuf)
	if _, err := gz.Write(tarBuf.Bytes()); err != nil {
		return nil, nil, nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, nil, nil, err
	}
	layer = gzBuf.Bytes()
	config, err = json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
		"config":  map[string]any{},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": []string{sha256Hex(tarBuf.Bytes())}},
		"history": []any{map[string]any{"created": "1970-01-01T00:00:00Z", "created_by": "terraform-provider-quay tests"}},
	})
	if err != nil {
		return nil, nil, nil, err
	}
	manifest, err = json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256Hex(config), "size": len(config)},
		"layers":        []any{map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha256Hex(layer), "size": len(layer)}},
	})
	return config, layer, manifest, err
}

// registryClient talks to one repository of a registry with a bearer token.
type registryClient struct {
	base  *url.URL
	repo  string
	token string
	http  *http.Client
}

func (rc *registryClient) do(method, target, contentType string, body []byte) (*http.Response, []byte, error) {
	u, err := rc.base.Parse(target)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+rc.token)
	resp, err := rc.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// Push pushes a small image to repo:tag of the Quay at quayURL, as a
// container tool does: the token dance with username and password (a
// robot's name and token, or "$oauthtoken" and an OAuth token), two blobs,
// the manifest. The image's content depends on repo and tag.
func Push(quayURL, username, password, repo, tag string) error {
	base, err := url.Parse(strings.TrimRight(quayURL, "/") + "/")
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	token, err := registryToken(hc, base, username, password, repo)
	if err != nil {
		return err
	}
	rc := &registryClient{base: base, repo: repo, token: token, http: hc}
	config, layer, manifest, err := testImage(repo + ":" + tag)
	if err != nil {
		return err
	}
	for _, blob := range [][]byte{config, layer} {
		if err := rc.uploadBlob(blob); err != nil {
			return err
		}
	}
	resp, raw, err := rc.do(http.MethodPut, "v2/"+repo+"/manifests/"+tag, "application/vnd.oci.image.manifest.v1+json", manifest)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("manifest PUT: HTTP %d: %s", resp.StatusCode, raw)
	}
	return nil
}

// registryToken follows the registry's challenge to its token endpoint
// and asks for push and pull on repo with basic auth.
func registryToken(hc *http.Client, base *url.URL, username, password, repo string) (string, error) {
	u, _ := base.Parse("v2/")
	resp, err := hc.Get(u.String())
	if err != nil {
		return "", err
	}
	_ = resp.Body.Close()
	challenge := resp.Header.Get("WWW-Authenticate")
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer ") {
		return "", fmt.Errorf("GET /v2/: HTTP %d with challenge %q", resp.StatusCode, challenge)
	}
	params := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(challenge, "Bearer "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		params[k] = strings.Trim(v, `"`)
	}
	realm, err := url.Parse(params["realm"])
	if err != nil || params["realm"] == "" {
		return "", fmt.Errorf("challenge without a usable realm: %q", challenge)
	}
	q := realm.Query()
	q.Set("service", params["service"])
	q.Set("scope", "repository:"+repo+":push,pull")
	realm.RawQuery = q.Encode()
	req, _ := http.NewRequest(http.MethodGet, realm.String(), nil)
	req.SetBasicAuth(username, password)
	resp, err = hc.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token: HTTP %d: %s", resp.StatusCode, raw)
	}
	var out struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("token answer: %w", err)
	}
	if out.Token == "" {
		out.Token = out.AccessToken
	}
	return out.Token, nil
}

// uploadBlob uploads one blob unless the registry has it: POST to open the
// upload, then a monolithic PUT with the digest.
func (rc *registryClient) uploadBlob(blob []byte) error {
	digest := sha256Hex(blob)
	resp, _, err := rc.do(http.MethodHead, "v2/"+rc.repo+"/blobs/"+digest, "", nil)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	resp, raw, err := rc.do(http.MethodPost, "v2/"+rc.repo+"/blobs/uploads/", "", nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("starting a blob upload: HTTP %d: %s", resp.StatusCode, raw)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return fmt.Errorf("upload location: %w", err)
	}
	q := loc.Query()
	q.Set("digest", digest)
	loc.RawQuery = q.Encode()
	resp, raw, err = rc.do(http.MethodPut, loc.String(), "application/octet-stream", blob)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("finishing the blob upload: HTTP %d: %s", resp.StatusCode, raw)
	}
	return nil
}

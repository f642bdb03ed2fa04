package quay

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

func TestApplicationsAndProxyCacheAgainstEmulator(t *testing.T) {
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	c := newTestClient(t, hs.URL, WithToken(s.IssueToken("admin")))
	ctx := context.Background()
	if err := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}

	app, err := c.CreateApplication(ctx, "acme", ApplicationRequest{Name: "ci"})
	if err != nil || len(app.ClientID) != 20 || app.ClientSecret == nil {
		t.Fatalf("CreateApplication: %+v %v", app, err)
	}
	rotated, err := c.ResetApplicationSecret(ctx, "acme", app.ClientID)
	if err != nil || *rotated.ClientSecret == *app.ClientSecret {
		t.Fatalf("ResetApplicationSecret: %+v %v", rotated, err)
	}
	if err := c.DeleteApplication(ctx, "acme", app.ClientID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApplication(ctx, "acme", app.ClientID); !IsNotFound(err) {
		t.Fatalf("GetApplication after delete: %v", err)
	}

	// "No configuration" is a 200 with empty strings: NotFound to callers.
	if _, err := c.GetProxyCache(ctx, "acme"); !IsNotFound(err) {
		t.Fatalf("GetProxyCache without one: %v", err)
	}
	if got, err := c.ValidateProxyCache(ctx, "acme", ProxyCacheRequest{UpstreamRegistry: "quay.io", ExpirationS: 86400}); err != nil || got != "Anonymous" {
		t.Fatalf("ValidateProxyCache: %q %v", got, err)
	}
	if err := c.CreateProxyCache(ctx, "acme", ProxyCacheRequest{UpstreamRegistry: "quay.io", ExpirationS: 600}); err != nil {
		t.Fatal(err)
	}
	if p, err := c.GetProxyCache(ctx, "acme"); err != nil || p.UpstreamRegistry != "quay.io" || p.ExpirationS != 600 {
		t.Fatalf("GetProxyCache: %+v %v", p, err)
	}
	if err := c.DeleteProxyCache(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteProxyCache(ctx, "acme"); !IsNotFound(err) {
		t.Fatalf("DeleteProxyCache twice: %v", err)
	}
}

// Quay up to 3.16 attaches the configuration to the org named in the body
// and fails on unknown keys: the body must carry org_name and nothing else.
func TestProxyCacheBodyShape(t *testing.T) {
	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = w.Write([]byte("\"Created\"\n"))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	user, pw := "u", "p"
	if err := c.CreateProxyCache(context.Background(), "acme", ProxyCacheRequest{OrgName: "other", UpstreamRegistry: "quay.io", UpstreamRegistryUsername: &user, UpstreamRegistryPassword: &pw, ExpirationS: 60}); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"org_name": true, "upstream_registry": true, "upstream_registry_username": true, "upstream_registry_password": true, "expiration_s": true, "insecure": true}
	for k := range body {
		if !allowed[k] {
			t.Errorf("unexpected key %q", k)
		}
	}
	if body["org_name"] != "acme" {
		t.Errorf("org_name = %v, want the path org", body["org_name"])
	}
}

package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/inventory"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func TestResourceName(t *testing.T) {
	for parts, want := range map[string]string{
		"acme":              "acme",
		"acme|devs":         "acme_devs",
		"my.org|Build Bot!": "my_org_build_bot_",
		"acme|tools/lint":   "acme_tools_lint",
		"acme|robot|ci":     "acme_robot_ci",
		"1password":         "_1password",
		"-x":                "_-x",
		"":                  "_",
	} {
		if got := resourceName(strings.Split(parts, "|")); got != want {
			t.Errorf("resourceName(%q) = %q, want %q", parts, got, want)
		}
	}
}

// TestAddressesCollide: names that sanitize alike get a suffix from their
// import ID, which does not depend on the order or on other objects.
func TestAddressesCollide(t *testing.T) {
	objs := []inventory.Object{
		{Type: "quay_organization", ImportID: "a_b", Name: []string{"a_b"}},
		{Type: "quay_organization", ImportID: "a.b", Name: []string{"a.b"}},
		{Type: "quay_team", ImportID: "a/b", Name: []string{"a", "b"}}, // another type: no collision
	}
	got := addresses(objs)
	if got[1] != "a_b" || !strings.HasPrefix(got[0], "a_b_") || len(got[0]) != len("a_b_")+6 || got[2] != "a_b" {
		t.Fatalf("addresses: %q", got)
	}
	reversed := addresses([]inventory.Object{objs[1], objs[0]})
	if reversed[0] != got[1] || reversed[1] != got[0] {
		t.Fatalf("order changed the names: %q vs %q", reversed, got)
	}
}

func TestHCLString(t *testing.T) {
	if got := hclString(`a"b\c${d}%{e}`); got != `"a\"b\\c$${d}%%{e}"` {
		t.Fatalf("%s", got)
	}
}

func TestWriteImports(t *testing.T) {
	objs := []inventory.Object{
		{Type: "quay_organization", ImportID: "acme", Name: []string{"acme"}},
		{Type: "quay_team", ImportID: "acme/owners", Name: []string{"acme", "owners"}, Default: true},
		{Type: "quay_user", ImportID: "bob", Name: []string{"bob"}, Notes: []string{"first note", "two\n  lines"}},
	}
	var b strings.Builder
	stats, err := writeImports(&b, objs, header{url: "https://quay.example.com"})
	if err != nil || stats.written != 2 || stats.defaults != 1 {
		t.Fatalf("stats %+v, %v", stats, err)
	}
	for _, want := range []string{
		"# Import blocks for the Quay at https://quay.example.com",
		"Left out, as made by Quay itself: 1 objects",
		"import {\n  to = quay_organization.acme\n  id = \"acme\"\n}\n",
		"# NOTE: first note\n# NOTE: two\n#     lines\nimport {\n  to = quay_user.bob\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "owners") && !strings.Contains(b.String(), "owners teams") {
		t.Errorf("a default object was written:\n%s", b.String())
	}
	b.Reset()
	if stats, _ := writeImports(&b, objs, header{url: "u", includeDefaults: true}); stats.written != 3 {
		t.Fatalf("with defaults: %+v", stats)
	}
}

func TestFlags(t *testing.T) {
	t.Setenv("QUAY_URL", "")
	t.Setenv("QUAY_TOKEN", "")
	var stderr strings.Builder
	var usage usageError
	if err := run(nil, &stderr, &stderr); !errors.As(err, &usage) || !strings.Contains(err.Error(), "QUAY_URL and QUAY_TOKEN") {
		t.Fatalf("no URL: %v", err)
	}
	if err := run([]string{"-url", "https://user:pw@quay.example.com", "-token", "t"}, &stderr, &stderr); !errors.As(err, &usage) || strings.Contains(err.Error(), "pw") {
		t.Fatalf("URL with credentials: %v", err)
	}
	t.Setenv("QUAY_INSECURE", "maybe")
	if err := run([]string{"-url", "https://quay.example.com", "-token", "t"}, &stderr, &stderr); !errors.As(err, &usage) {
		t.Fatalf("bad QUAY_INSECURE: %v", err)
	}
	if err := run([]string{"extra"}, &stderr, &stderr); !errors.As(err, &usage) {
		t.Fatalf("extra argument: %v", err)
	}
}

// TestRun: against an emulator, from the environment, with a trailing
// /api/v1 on the URL (normalised as the provider does) and -org twice.
func TestRun(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	token := emu.IssueToken("admin")
	c, err := quay.New(srv.URL, quay.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	for _, org := range []string{"acme", "beta", "gamma"} {
		if err := c.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: org}); err != nil {
			t.Fatal(err)
		}
	}
	emu.SetLatency(5 * time.Millisecond)
	defer func(d time.Duration) { progressInterval = d }(progressInterval)
	progressInterval = 10 * time.Millisecond
	t.Setenv("QUAY_URL", srv.URL+"/api/v1/")
	t.Setenv("QUAY_TOKEN", token)
	t.Setenv("QUAY_INSECURE", "")
	out := filepath.Join(t.TempDir(), "imports.tf")
	var stdout, stderr strings.Builder
	if err := run([]string{"-org", "gamma", "-org", "acme,gamma", "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.Contains(got, "# Organizations: acme, gamma") || !strings.Contains(got, "to = quay_organization.acme\n") ||
		!strings.Contains(got, "to = quay_organization.gamma\n") || strings.Contains(got, "beta") || strings.Contains(got, "/api/v1") {
		t.Errorf("imports.tf:\n%s", got)
	}
	if !strings.Contains(stderr.String(), "wrote 2 import blocks to "+out) || !strings.Contains(stderr.String(), " of 2 namespaces read (") || stdout.Len() != 0 {
		t.Errorf("stderr %q, stdout %q", stderr.String(), stdout.String())
	}
}

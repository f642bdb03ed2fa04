package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestAccProvider_requestTimeout: a Quay that never answers a write makes
// the apply fail with a clear timeout message, bounded by the configured
// request timeout. Self-contained: it runs its own emulator behind a proxy
// that swallows organization creates.
func TestAccProvider_requestTimeout(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/organization/" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer close(release)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "quay" {
  url                     = %q
  token                   = %q
  request_timeout_seconds = 1
}
resource "quay_organization" "test" { name = "tfacc-hangs" }`, srv.URL, token),
			ExpectError: regexp.MustCompile(`(?s)Unable to create organization "tfacc-hangs".*did\s+not\s+answer\s+within\s+the\s+request\s+timeout\s+of\s+1s`),
		}},
	})
	if orgs := emu.Organizations(); len(orgs) != 0 {
		t.Fatalf("organizations after a timed-out create: %v", orgs)
	}
}

package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// testAccProtoV6ProviderFactories runs the provider in-process for acceptance tests.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"quay": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// testEmulator is the in-process Quay the acceptance tests use when
// QUAY_URL is not set; nil when they run against a real Quay.
var testEmulator *emulator.Server

// TestMain points the acceptance tests at a real Quay when QUAY_URL and
// QUAY_TOKEN are set, else at an in-process emulator with a superuser token.
func TestMain(m *testing.M) {
	quietCLIConfig()
	if os.Getenv("QUAY_URL") == "" {
		testEmulator = emulator.New(emulator.DefaultConfig())
		testEmulator.AddUser("admin", "admin@example.com", true)
		token := testEmulator.IssueToken("admin")
		srv := httptest.NewServer(testEmulator)
		testEmulator.SetBaseURL(srv.URL)
		os.Setenv("QUAY_URL", srv.URL)
		os.Setenv("QUAY_TOKEN", token)
		code := m.Run()
		srv.Close()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func testAccPreCheck(t *testing.T) {
	t.Helper()
	for _, env := range []string{"QUAY_URL", "QUAY_TOKEN"} {
		if os.Getenv(env) == "" {
			t.Fatalf("%s must be set for acceptance tests", env)
		}
	}
}

// testClient is an API client with the tests' credentials, for checks and
// for changing Quay behind Terraform's back.
func testClient(t *testing.T) *quay.Client {
	t.Helper()
	c, err := newCheckClient()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newCheckClient() (*quay.Client, error) {
	return quay.New(os.Getenv("QUAY_URL"), quay.WithToken(os.Getenv("QUAY_TOKEN")), quay.WithUserAgent("terraform-provider-quay-tests"))
}

// testCurrentUser is the user the tests' token acts as.
func testCurrentUser(t *testing.T) string {
	t.Helper()
	me, err := testClient(t).GetCurrentUser(context.Background())
	if err != nil {
		t.Fatalf("GET /api/v1/user/: %v", err)
	}
	return me.Username
}

// checkGone turns a "does it still exist" lookup into a CheckDestroy result.
func checkGone(kind, name string, err error) error {
	if err == nil {
		return fmt.Errorf("%s %q still exists after destroy", kind, name)
	}
	if quay.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("checking that %s %q is gone: %w", kind, name, err)
}

// quietCLIConfig points the CLI at an empty configuration file when the
// configured one (TF_CLI_CONFIG_FILE or ~/.terraformrc) is missing: without it Terraform and OpenTofu print a warning about
// the missing ~/.terraformrc, which OpenTofu mixes into the `version`
// output that terraform-plugin-testing parses.
func quietCLIConfig() {
	configured := os.Getenv("TF_CLI_CONFIG_FILE")
	if configured == "" {
		if home, err := os.UserHomeDir(); err == nil {
			configured = filepath.Join(home, ".terraformrc")
		}
	}
	if _, err := os.Stat(configured); err == nil {
		return
	}
	f, err := os.CreateTemp("", "quay-tfrc-*")
	if err != nil {
		return
	}
	f.Close()
	os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
}

// checkDestroyed builds a CheckDestroy: for every resource of type typ left
// in state, lookup asks Quay for the object, which must be gone.
func checkDestroyed(typ string, lookup func(ctx context.Context, c *quay.Client, attrs map[string]string) (name string, err error)) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c, err := newCheckClient()
		if err != nil {
			return err
		}
		for _, rs := range s.RootModule().Resources {
			if rs.Type != typ {
				continue
			}
			name, err := lookup(context.Background(), c, rs.Primary.Attributes)
			if err := checkGone(typ, name, err); err != nil {
				return err
			}
		}
		return nil
	}
}

// wrappedError matches an error that contains each part, in order, however
// Terraform wrapped its lines: the parts are literal text, and a space in
// them matches any run of white space.
func wrappedError(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// lostAnswerServer serves em, except that the first request with the given
// method and path is applied by the emulator and then answered with a 500,
// as when Quay acts but its answer is lost. The returned flag tells whether
// that request came.
func lostAnswerServer(t *testing.T, em *emulator.Server, method, path string) (string, *atomic.Bool) {
	t.Helper()
	var hit atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method && r.URL.Path == path && hit.CompareAndSwap(false, true) {
			em.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		em.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	em.SetBaseURL(srv.URL)
	return srv.URL, &hit
}

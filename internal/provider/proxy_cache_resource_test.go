package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func testAccCheckProxyCacheDestroy(s *terraform.State) error {
	c, err := newCheckClient()
	if err != nil {
		return err
	}
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "quay_proxy_cache" {
			continue
		}
		org := rs.Primary.Attributes["organization"]
		if _, err := c.GetProxyCache(context.Background(), org); err == nil {
			return fmt.Errorf("organization %s still has a proxy cache", org)
		}
	}
	return testAccCheckOrganizationDestroy(s)
}

// testUpstreamEnv names the upstream registry that the proxy cache tests
// against the shared Quay point at. Quay 3.18+ resolves the host of every
// upstream it is given, and a validation logs in to it, so a run against a
// real Quay without internet access names one that Quay reaches: its host
// must resolve to an address Quay's SSRF check allows (a public one, or a
// host listed in SSRF_ALLOWED_HOSTS).
const testUpstreamEnv = "QUAY_TEST_UPSTREAM_REGISTRY"

// testUpstream is the upstream registry for proxy cache tests:
// $QUAY_TEST_UPSTREAM_REGISTRY, else quay.io. The emulator is told that it
// answers like a registry.
func testUpstream() string {
	upstream := os.Getenv(testUpstreamEnv)
	if upstream == "" {
		upstream = "quay.io"
	}
	if testEmulator != nil {
		host, _, _ := strings.Cut(upstream, "/")
		testEmulator.SetUpstream(host, emulator.UpstreamValid)
	}
	return upstream
}

// skipUnlessUpstreamReachable skips a test in which Quay contacts the
// upstream registry (validate = true) when it runs against a real Quay and
// QUAY_TEST_UPSTREAM_REGISTRY is not set: quay.io may be out of its reach.
func skipUnlessUpstreamReachable(t *testing.T) {
	t.Helper()
	if testEmulator == nil && os.Getenv(testUpstreamEnv) == "" {
		t.Skipf("validation makes Quay log in to the upstream registry, and %s names none that this Quay reaches; set it (e.g. to quay.io when Quay is online) to run this test", testUpstreamEnv)
	}
}

func proxyConfig(org, body string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_proxy_cache" "test" {
  organization = quay_organization.test.name
%s
}`, org, body)
}

// The upstream is a real registry (testUpstream), so the test also passes
// against a real Quay 3.18+, which resolves the host.
func TestAccProxyCache_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_proxy_cache.test"
	upstream := testUpstream()
	replaced := fmt.Sprintf(`  upstream_registry = "%s/library"
  expiration_s      = 3600
  insecure          = true`, upstream)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckProxyCacheDestroy,
		Steps: []resource.TestStep{
			{
				Config: proxyConfig(org, fmt.Sprintf(`  upstream_registry = %q`, upstream)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration_s"), knownvalue.Int64Exact(86400)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("insecure"), knownvalue.Bool(false)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        org,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "organization",
			},
			{
				// Quay has no update: every change is a planned replacement.
				Config: proxyConfig(org, replaced),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("upstream_registry"), knownvalue.StringExact(upstream+"/library")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration_s"), knownvalue.Int64Exact(3600)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("insecure"), knownvalue.Bool(true)),
				},
			},
			{
				PreConfig: func() {
					if err := testClient(t).DeleteProxyCache(context.Background(), org); err != nil {
						t.Fatal(err)
					}
				},
				Config: proxyConfig(org, replaced),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccProxyCache_validate: with validate = true Quay checks the upstream
// before the configuration is made; turning it on or off alone changes
// nothing in Quay. Quay contacts the upstream, so against a real Quay this
// runs only when QUAY_TEST_UPSTREAM_REGISTRY names one it reaches.
func TestAccProxyCache_validate(t *testing.T) {
	skipUnlessUpstreamReachable(t)
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_proxy_cache.test"
	upstream := testUpstream()
	withValidate := func(validate bool) string {
		return proxyConfig(org, fmt.Sprintf("  upstream_registry = %q\n  validate          = %t", upstream, validate))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckProxyCacheDestroy,
		Steps: []resource.TestStep{
			{
				Config: withValidate(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("upstream_registry"), knownvalue.StringExact(upstream)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: withValidate(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccProxyCacheDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	upstream := testUpstream()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckProxyCacheDestroy,
		Steps: []resource.TestStep{
			{
				Config: proxyConfig(org, fmt.Sprintf(`  upstream_registry = %q
  expiration_s      = 7200`, upstream)) + `
data "quay_proxy_cache" "test" { organization = quay_proxy_cache.test.organization }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_proxy_cache.test", tfjsonpath.New("upstream_registry"), knownvalue.StringExact(upstream)),
					statecheck.ExpectKnownValue("data.quay_proxy_cache.test", tfjsonpath.New("expiration_s"), knownvalue.Int64Exact(7200)),
				},
			},
			{
				Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }
data "quay_proxy_cache" "none" { organization = quay_organization.test.name }`, org),
				ExpectError: regexp.MustCompile(`has no proxy cache\s+configuration`),
			},
		},
	})
}

// TestAccProxyCache_credentials runs on its own emulator: it checks that
// the write-only password reaches Quay, never state, and that validation
// failures stop the create. A real Quay would need working upstream
// credentials for this.
func TestAccProxyCache_credentials(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	emu.SetUpstream("registry.partner.example.com", emulator.UpstreamBadLogin)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	provider := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\nresource \"quay_organization\" \"test\" { name = \"mirror\" }\n", srv.URL, token)
	addr := "quay_proxy_cache.test"
	withCreds := func(upstream string, version int, validate bool) string {
		return provider + fmt.Sprintf(`
resource "quay_proxy_cache" "test" {
  organization                          = quay_organization.test.name
  upstream_registry                     = %q
  upstream_registry_username            = "robot"
  upstream_registry_password_wo         = "pw-%d"
  upstream_registry_password_wo_version = %d
  validate                              = %t
}`, upstream, version, version, validate)
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      withCreds("registry.partner.example.com", 1, true),
				ExpectError: regexp.MustCompile(`Failed login to remote registry`),
				Check: func(*terraform.State) error {
					if len(emu.ProxyCaches()) != 0 {
						return fmt.Errorf("a failed validation left a configuration: %v", emu.ProxyCaches())
					}
					return nil
				},
			},
			{
				Config: withCreds("quay.io", 1, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("upstream_registry_password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("upstream_registry_username"), knownvalue.StringExact("robot")),
				},
				Check: func(*terraform.State) error {
					if user, pw, ok := emu.ProxyCacheCredentials("mirror"); !ok || user != "robot" || pw != "pw-1" {
						return fmt.Errorf("Quay has credentials %q/%q (%v)", user, pw, ok)
					}
					return nil
				},
			},
			{
				// A new password version replaces the configuration.
				Config: withCreds("quay.io", 2, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					if _, pw, _ := emu.ProxyCacheCredentials("mirror"); pw != "pw-2" {
						return fmt.Errorf("Quay has password %q after rotation", pw)
					}
					return nil
				},
			},
		},
	})
}

func TestAccProxyCache_badInput(t *testing.T) {
	cases := []struct{ body, want string }{
		{`upstream_registry = ""`, `string length must be between 1 and 270`},
		{`upstream_registry = "https://quay.io"`, `leave out the scheme`},
		{`upstream_registry = "user:pw@quay.io"`, `credentials do not belong in the URL`},
		{`upstream_registry = "quay io"`, `must be a registry host`},
		{"upstream_registry = \"quay.io\"\n  expiration_s = -5", `value must be at least 1`},
		{"upstream_registry = \"quay.io\"\n  upstream_registry_username = \"robot\"", `upstream_registry_password_wo`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   writeOnlyVersionChecks,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      "resource \"quay_proxy_cache\" \"x\" {\n  organization = \"acme\"\n  " + tc.body + "\n}",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
}

// Quay's own host checks surface with its message and leave nothing behind.
// This assumes Quay's default SSRF policy (3.18+): localhost is refused
// unless SSRF_ALLOWED_HOSTS lists it.
func TestAccProxyCache_blockedUpstream(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckProxyCacheDestroy,
		Steps: []resource.TestStep{{
			Config:      proxyConfig(org, `  upstream_registry = "localhost:5000"`),
			ExpectError: regexp.MustCompile(`The provided registry URL is not allowed`),
		}},
	})
}

// Importing a proxy cache that has upstream credentials and planning the
// configuration it was made with records the user name and password
// version in place: Quay never returns them, and a replacement would
// re-create the configuration for nothing. A later version change still
// replaces it, which is how a new password reaches Quay.
func TestAccProxyCache_importWithCredentials(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_proxy_cache.test"
	upstream := testUpstream()
	withCreds := func(version int) string {
		return proxyConfig(org, fmt.Sprintf(`  upstream_registry                     = %q
  upstream_registry_username            = "puller"
  upstream_registry_password_wo         = "pw-%d"
  upstream_registry_password_wo_version = %d`, upstream, version, version))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyVersionChecks,
		CheckDestroy:             testAccCheckProxyCacheDestroy,
		Steps: []resource.TestStep{
			{Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org)},
			{
				PreConfig: func() {
					user, pw := "puller", "pw-1"
					if err := testClient(t).CreateProxyCache(context.Background(), org, quay.ProxyCacheRequest{
						UpstreamRegistry: upstream, UpstreamRegistryUsername: &user, UpstreamRegistryPassword: &pw, ExpirationS: 86400,
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             withCreds(1),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      org,
				ImportStatePersist: true,
			},
			{
				Config: withCreds(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("upstream_registry_username"), knownvalue.StringExact("puller")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("upstream_registry_password_wo_version"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: withCreds(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
		},
	})
}

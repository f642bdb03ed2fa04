package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
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

// ownQuay is an emulator of a test's own, for a test that needs its knobs
// or its request counters.
type ownQuay struct {
	emu        *emulator.Server
	url, token string
	provider   string // a provider block pointing at it with token
}

// ownEmulator starts an emulator with a superuser "admin" and hands out a
// token of user (created as a non-superuser unless it is "admin").
func ownEmulator(t *testing.T, cfg emulator.Config, user string) ownQuay {
	t.Helper()
	emu := emulator.New(cfg)
	emu.AddUser("admin", "admin@example.com", true)
	if user != "admin" {
		emu.AddUser(user, user+"@example.com", false)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	o := ownQuay{emu: emu, url: srv.URL, token: emu.IssueToken(user)}
	o.provider = fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", o.url, o.token)
	return o
}

// client is an API client acting with o's token.
func (o ownQuay) client(t testing.TB) *quay.Client {
	t.Helper()
	c, err := quay.New(o.url, quay.WithToken(o.token))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requireAcc skips emulator-only acceptance tests unless TF_ACC is set, and
// when the suite runs against a real Quay (they need a second account or
// emulator knobs).
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

func TestAccOrganizationsDataSource(t *testing.T) {
	prefix := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "quay_organization" "mailed" {
  name  = "%[1]s-mailed"
  email = "%[1]s-mailed@example.com"
}
resource "quay_organization" "plain" {
  name       = "%[1]s-plain"
  depends_on = [quay_organization.mailed] # Quay lists in creation order
}
resource "quay_quota" "plain" {
  namespace = quay_organization.plain.name
  limit     = "2 GiB"
  limits    = [{ type = "Warning", threshold_percent = 80 }]
}
data "quay_organizations" "mine" {
  name_regex = "^%[1]s-"
  depends_on = [quay_organization.mailed, quay_quota.plain]
}
data "quay_organizations" "none" {
  name_regex = "^%[1]s-nothing$"
  depends_on = [quay_organization.mailed]
}`, prefix),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_organizations.mine", tfjsonpath.New("organizations"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":       knownvalue.StringExact(prefix + "-mailed"),
						"email":      knownvalue.StringExact(prefix + "-mailed@example.com"),
						"quotas":     knownvalue.ListExact([]knownvalue.Check{}),
						"used_bytes": knownvalue.Int64Exact(0),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact(prefix + "-plain"),
						// The stored value Quay generates for an e-mail-less organization.
						"email": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)),
						"quotas": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":          knownvalue.NotNull(),
							"limit_bytes": knownvalue.Int64Exact(2 << 30),
							"limits": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
								"id": knownvalue.NotNull(), "type": knownvalue.StringExact("Warning"), "threshold_percent": knownvalue.Int64Exact(80),
							})}),
						})}),
						"used_bytes": knownvalue.Int64Exact(0),
					}),
				})),
				statecheck.ExpectKnownValue("data.quay_organizations.none", tfjsonpath.New("organizations"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// TestAccOrganizationsDataSource_paging lists 250 organizations: three
// pages of at most 100, one request each, and no other request for the
// data source.
func TestAccOrganizationsDataSource_paging(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	emu, provider, c := q.emu, q.provider, q.client(t)
	const n = 250
	for i := range n {
		if err := c.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: fmt.Sprintf("page-%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	emu.ResetCounts()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: provider + `data "quay_organizations" "all" { name_regex = "^page-" }`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.quay_organizations.all", "organizations.#", fmt.Sprint(n)),
				resource.TestCheckResourceAttr("data.quay_organizations.all", "organizations.0.name", "page-000"),
				resource.TestCheckResourceAttr("data.quay_organizations.all", "organizations.249.name", "page-249"),
				func(*terraform.State) error {
					// One plan and one apply-time read plus the post-apply
					// refresh and plan: each read costs exactly 3 pages.
					got := emu.Counts()["GET /api/v1/superuser/organizations/"]
					if got == 0 || got%3 != 0 {
						return fmt.Errorf("GET /api/v1/superuser/organizations/ made %d times, want a multiple of 3 (3 pages per read)", got)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccSuperuserDataSources_notSuperuser: a token whose user is not a
// superuser gets a clear error naming the user from each superuser data
// source.
func TestAccSuperuserDataSources_notSuperuser(t *testing.T) {
	requireAcc(t)
	provider := ownEmulator(t, emulator.DefaultConfig(), "plain").provider
	for _, block := range []string{
		`data "quay_organizations" "x" {}`,
		`data "quay_registry_size" "x" {}`,
		`data "quay_usage_logs" "x" {}`,
		`data "quay_build" "x" { uuid = "00000000-0000-4000-8000-000000000000" }`,
	} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      provider + block,
				ExpectError: wrappedError(`needs a Quay superuser`, `the token acts as "plain"`),
			}},
		})
	}
}

// TestAccSuperuserDataSources_badInput: arguments Quay would refuse, or
// that cannot be sent, stop at plan, before any request to Quay's
// superuser, log or build endpoints.
func TestAccSuperuserDataSources_badInput(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	emu, provider := q.emu, q.provider
	cases := []struct{ block, want string }{
		{`data "quay_organizations" "x" { name_regex = "(" }`, `Invalid regular expression`},
		{`data "quay_usage_logs" "x" { starttime = "yesterday" }`, `must be an RFC 3339 timestamp`},
		{`data "quay_usage_logs" "x" { endtime = "2026-08-21" }`, `must be an RFC 3339 timestamp`},
		{`data "quay_usage_logs" "x" {
  starttime = "2026-08-21T00:00:00Z"
  endtime   = "2026-08-20T00:00:00Z"
}`, `starttime is after endtime`},
		{`data "quay_usage_logs" "x" { max_entries = 0 }`, `value must be between 1 and 100000`},
		{`data "quay_usage_logs" "x" {
  organization = "acme"
  repository   = "acme/app"
}`, `These attributes cannot be configured together`},
		{`data "quay_usage_logs" "x" { organization = "Not Valid" }`, `must be a valid Quay organization name`},
		{`data "quay_usage_logs" "x" { repository = "acme" }`, `must be <namespace>/<name>`},
		{`data "quay_usage_logs" "x" { kind = "" }`, `string length must be at least 1`},
		{`data "quay_build" "x" { uuid = "not-a-uuid" }`, `must be a build UUID`},
		{`data "quay_build" "x" { uuid = "4E3A6E0C-5D6B-4F3A-9C1E-2B7D8F9A0C1D" }`, `must be a build UUID`},
		{`data "quay_build" "x" { uuid = "../users/admin" }`, `must be a build UUID`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: provider + tc.block, PlanOnly: true, ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want))}},
		})
	}
	for route, n := range emu.Counts() {
		if strings.Contains(route, "/superuser/") || strings.Contains(route, "/logs") || !strings.HasPrefix(route, "GET ") {
			t.Errorf("bad input caused %d request(s): %s", n, route)
		}
	}
}

// TestAccSuperuserDataSourceExamples reads the examples of the superuser
// data sources as written, on an empty emulator of their own. The
// quay_build example needs a build: one is requested first, and its UUID
// given as the example's variable, as a user would pass it.
func TestAccSuperuserDataSourceExamples(t *testing.T) {
	requireAcc(t)
	for _, typ := range []string{"quay_organizations", "quay_registry_size", "quay_usage_logs", "quay_build"} {
		t.Run(typ, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", typ, "data-source.tf"))
			if err != nil {
				t.Fatal(err)
			}
			q := ownEmulator(t, emulator.DefaultConfig(), "admin")
			vars := config.Variables{}
			if typ == "quay_build" {
				vars["build_uuid"] = config.StringVariable(requestTestBuild(t, q.client(t), quay.RequestBuildRequest{ArchiveURL: "https://example.com/app.tar.gz"}))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:           q.provider + string(body),
					ConfigVariables:  vars,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				}},
			})
		})
	}
}

// requestTestBuild requests a build of a new repository acme/app (on an
// emulator of the test's own) and returns its UUID.
func requestTestBuild(t *testing.T, c *quay.Client, req quay.RequestBuildRequest) string {
	t.Helper()
	ctx := context.Background()
	if err := c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRepository(ctx, quay.CreateRepositoryRequest{Namespace: "acme", Repository: "app", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	b, err := c.RequestBuild(ctx, "acme", "app", req)
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}

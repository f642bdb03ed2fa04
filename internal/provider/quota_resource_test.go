package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
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

func quotaConfig(org, body string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" {
  name = %q
}
resource "quay_quota" "test" {
  namespace = quay_organization.test.name
%s
}`, org, body)
}

func limitCheck(kind string, pct int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"type": knownvalue.StringExact(kind), "threshold_percent": knownvalue.Int64Exact(pct),
	})
}

func TestAccQuota_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_quota.test"
	var warningID int64
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckQuotaDestroy,
		Steps: []resource.TestStep{
			{
				Config: quotaConfig(org, `
  limit = "10 GiB"
  limits = [
    { type = "Warning", threshold_percent = 80 },
    { type = "Reject", threshold_percent = 100 },
  ]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit"), knownvalue.StringExact("10 GiB")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(10<<30)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limits"), knownvalue.SetExact([]knownvalue.Check{
						limitCheck("Warning", 80), limitCheck("Reject", 100),
					})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					warningID = quotaLimitID(t, org, "Warning")
					return nil
				},
			},
			{
				// The import cannot know how the size was spelled: it sets
				// limit_bytes and leaves limit null.
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        org,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "namespace",
				ImportStateVerifyIgnore:              []string{"limit"},
			},
			{
				// The same size spelled differently plans nothing.
				Config: quotaConfig(org, `
  limit = "10240Mi"
  limits = [
    { type = "Warning", threshold_percent = 80 },
    { type = "Reject", threshold_percent = 100 },
  ]`),
				PlanOnly: true,
			},
			{
				// Resize (decimal GB) and change limits in place: the
				// Warning limit is updated, Reject removed, a new one added.
				Config: quotaConfig(org, `
  limit = "20GB"
  limits = [
    { type = "Warning", threshold_percent = 70 },
    { type = "Warning", threshold_percent = 90 },
  ]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(20_000_000_000)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limits"), knownvalue.SetExact([]knownvalue.Check{
						limitCheck("Warning", 70), limitCheck("Warning", 90),
					})),
				},
				Check: func(*terraform.State) error {
					limits := quotaLimits(t, org)
					for _, l := range limits {
						if l.ID == warningID && l.LimitPercent != 70 && l.LimitPercent != 90 {
							return fmt.Errorf("limit %d has %d%%", l.ID, l.LimitPercent)
						}
					}
					for _, l := range limits {
						if l.ID == warningID {
							return nil
						}
					}
					return fmt.Errorf("the Warning limit %d was recreated instead of updated: %+v", warningID, limits)
				},
			},
			{
				// Bytes instead of a string; limits removed entirely.
				Config: quotaConfig(org, `
  limit_bytes = 5368709120`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(5<<30)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limits"), knownvalue.SetExact([]knownvalue.Check{})),
				},
			},
			{
				// Deleted outside Terraform: the next plan creates it again.
				PreConfig: func() {
					c := testClient(t)
					q, err := c.FindQuota(context.Background(), quay.SuperuserQuotaPath, org)
					if err != nil || q == nil {
						t.Fatalf("finding quota: %v %v", q, err)
					}
					if err := c.DeleteQuota(context.Background(), quay.SuperuserQuotaPath, org, *q.ID); err != nil {
						t.Fatalf("deleting quota behind Terraform's back: %v", err)
					}
				},
				Config: quotaConfig(org, `
  limit_bytes = 5368709120`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// Another namespace replaces the quota.
				Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name = %q
}
resource "quay_organization" "other" {
  name = "%s-b"
}
resource "quay_quota" "test" {
  namespace   = quay_organization.other.name
  limit_bytes = 5368709120
}`, org, org),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					q, err := testClient(t).FindQuota(context.Background(), quay.SuperuserQuotaPath, org)
					if err != nil || q != nil {
						return fmt.Errorf("the old namespace still has a quota (%v, %v)", q, err)
					}
					return nil
				},
			},
		},
	})
}

func TestAccQuota_badInput(t *testing.T) {
	cases := []struct {
		attrs string
		want  string
	}{
		{`limit = "0 GiB"`, `larger than zero`},
		{`limit = "100B"`, `does not accept the unit "B"`},
		{`limit = "1.5 GiB"`, `only whole numbers, without a\s+decimal point; write "1536 MiB"`},
		{`limit = "ten"`, `must start with a whole number`},
		{`limit_bytes = 0`, `value must be at least 1`},
		{`limit_bytes = -5`, `value must be at least 1`},
		{`limit_bytes = 5` + "\n" + `limit = "5"`, `Invalid Attribute Combination`},
		{``, `Exactly one of these attributes must be configured`},
		{`limit = "1 GiB"` + "\n" + `limits = [{ type = "Warning", threshold_percent = 0 }]`, `between 1 and 100`},
		{`limit = "1 GiB"` + "\n" + `limits = [{ type = "Reject", threshold_percent = 101 }]`, `between 1 and 100`},
		{`limit = "1 GiB"` + "\n" + `limits = [{ type = "Info", threshold_percent = 50 }]`, `must be one of: \["Warning" "Reject"\]`},
		{`limit = "1 GiB"` + "\n" + `limits = [{ type = "Warning", threshold_percent = 80 }, { type = "warning", threshold_percent = 80 }]`, `Duplicate quota limit`},
		{`namespace = "Bad Name"` + "\n" + `limit = "1 GiB"`, `must be a valid Quay namespace name`},
	}
	for _, tc := range cases {
		ns := `namespace = "tfacc-nowhere"`
		if regexp.MustCompile(`^namespace`).MatchString(tc.attrs) {
			ns = ""
		}
		resource.UnitTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      fmt.Sprintf("resource \"quay_quota\" \"test\" {\n%s\n%s\n}", ns, tc.attrs),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
}

// A quota for a namespace that already has one, or for no namespace, fails
// with a clear message and creates nothing.
func TestAccQuota_conflicts(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckQuotaDestroy,
		Steps: []resource.TestStep{
			{
				Config: `
resource "quay_quota" "test" {
  namespace = "tfacc-no-such-namespace"
  limit     = "1 GiB"
}`,
				ExpectError: regexp.MustCompile(`Namespace "tfacc-no-such-namespace" does not exist`),
			},
			{
				Config: quotaConfig(org, `  limit = "1 GiB"`) + `
resource "quay_quota" "second" {
  namespace  = quay_quota.test.namespace
  limit      = "2 GiB"
}`,
				ExpectError: regexp.MustCompile(`already has a quota`),
			},
		},
	})
}

func TestAccQuota_userNamespace(t *testing.T) {
	user := acctest.RandomWithPrefix("tfacc")
	addr := "quay_quota.test"
	cfg := fmt.Sprintf(`
resource "quay_user" "test" {
  username = %q
  email    = "%s@example.com"
}
resource "quay_quota" "test" {
  namespace = quay_user.test.username
  limit     = "3 GiB"
  limits    = [{ type = "Reject", threshold_percent = 95 }]
}
data "quay_quota" "test" {
  namespace  = quay_quota.test.namespace
  depends_on = [quay_quota.test]
}`, user, user)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckQuotaDestroy,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limits"), knownvalue.SetExact([]knownvalue.Check{limitCheck("Reject", 95)})),
					statecheck.ExpectKnownValue("data.quay_quota.test", tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(3<<30)),
					statecheck.ExpectKnownValue("data.quay_quota.test", tfjsonpath.New("used_bytes"), knownvalue.Int64Exact(0)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        user,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "namespace",
				ImportStateVerifyIgnore:              []string{"limit"}, // the import cannot know how the size was spelled
			},
			{
				// A user's usage comes from the superuser user view.
				PreConfig: func() {
					if testEmulator != nil {
						testEmulator.SetNamespaceUsage(user, 4096)
					}
				},
				Config: cfg,
				Check: func(s *terraform.State) error {
					if testEmulator == nil {
						return nil
					}
					return resource.TestCheckResourceAttr("data.quay_quota.test", "used_bytes", "4096")(s)
				},
			},
		},
	})
}

func TestAccQuotaDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	ds := "data.quay_quota.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckQuotaDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {},
				Config: quotaConfig(org, `
  limit  = "1 GiB"
  limits = [{ type = "Warning", threshold_percent = 50 }]`) + `
data "quay_quota" "test" {
  namespace = quay_quota.test.namespace
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(1<<30)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("limit"), knownvalue.StringExact("1.0 GiB")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("used_bytes"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("limits"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": knownvalue.StringExact("Warning"), "threshold_percent": knownvalue.Int64Exact(50)}),
					})),
					statecheck.CompareValuePairs(ds, tfjsonpath.New("id"), "quay_quota.test", tfjsonpath.New("id"), compare.ValuesSame()),
				},
			},
			{
				// Usage comes from the quota report.
				PreConfig: func() {
					if testEmulator != nil {
						testEmulator.SetNamespaceUsage(org, 12345)
					}
				},
				Config: quotaConfig(org, `
  limit  = "1 GiB"
  limits = [{ type = "Warning", threshold_percent = 50 }]`) + `
data "quay_quota" "test" {
  namespace = quay_quota.test.namespace
}`,
				Check: func(s *terraform.State) error {
					if testEmulator == nil {
						return nil
					}
					return resource.TestCheckResourceAttr(ds, "used_bytes", "12345")(s)
				},
			},
			{
				Config:      `data "quay_quota" "test" { namespace = "tfacc-no-such-namespace" }`,
				ExpectError: regexp.MustCompile(`Unable to read the quota of "tfacc-no-such-namespace"`),
			},
		},
	})
}

// TestAccQuota_withoutFullAccess runs against its own emulator whose
// superuser lacks FEATURE_SUPERUSERS_FULL_ACCESS: the quota works through
// the superuser paths, and limits fail at plan time with an explanation.
func TestAccQuota_withoutFullAccess(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testEmulator == nil {
		t.Skip("needs an emulator without FEATURE_SUPERUSERS_FULL_ACCESS; a real Quay has one fixed setting")
	}
	url, token := limitedEmulator(t, false)
	org := acctest.RandomWithPrefix("tfacc")
	createOrg(t, url, token, org)
	provider := fmt.Sprintf(`
provider "quay" {
  url   = %q
  token = %q
}
`, url, token)
	addr := "quay_quota.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + fmt.Sprintf(`
resource "quay_quota" "test" {
  namespace = %q
  limit     = "2 GiB"
}`, org),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(2<<30)),
				},
			},
			{
				Config: provider + fmt.Sprintf(`
resource "quay_quota" "test" {
  namespace = %q
  limit     = "3 GiB"
}`, org),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(3<<30)),
				},
			},
			{
				Config: provider + fmt.Sprintf(`
resource "quay_quota" "test" {
  namespace = %q
  limit     = "3 GiB"
  limits    = [{ type = "Warning", threshold_percent = 80 }]
}`, org),
				ExpectError: regexp.MustCompile(`(?s)Quota limits need FEATURE_SUPERUSERS_FULL_ACCESS.*SUPERUSERS_FULL_ACCESS: true`),
			},
		},
	})
}

// TestAccQuota_limitFailureRollsBack hides /config, so the plan cannot
// know that limits are impossible: the limit call fails at apply and the
// quota created just before is removed again.
func TestAccQuota_limitFailureRollsBack(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testEmulator == nil {
		t.Skip("needs an emulator without FEATURE_SUPERUSERS_FULL_ACCESS and without /config")
	}
	url, token := limitedEmulator(t, true)
	org := acctest.RandomWithPrefix("tfacc")
	createOrg(t, url, token, org)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "quay" {
  url   = %q
  token = %q
}
resource "quay_quota" "test" {
  namespace = %q
  limit     = "1 GiB"
  limits    = [{ type = "Reject", threshold_percent = 90 }]
}`, url, token, org),
			ExpectError: regexp.MustCompile(`(?s)Unable to add the Reject limit at 90% .*FEATURE_SUPERUSERS_FULL_ACCESS`),
		}},
		CheckDestroy: func(*terraform.State) error {
			c, _ := quay.New(url, quay.WithToken(token))
			q, err := c.FindQuota(context.Background(), quay.SuperuserQuotaPath, org)
			if err != nil || q != nil {
				return fmt.Errorf("a quota was left behind after the failed create: %+v %v", q, err)
			}
			return nil
		},
	})
}

// TestAccQuota_limitsBefore316 shows that Quay older than 3.16 lets any
// superuser write limits, so the plan does not refuse them there.
func TestAccQuota_limitsBefore316(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testEmulator == nil {
		t.Skip("needs an emulator that reports Quay 3.15")
	}
	url, token := limitedEmulatorVersion(t, false, "3.15.2")
	org := acctest.RandomWithPrefix("tfacc")
	createOrg(t, url, token, org)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "quay" {
  url   = %q
  token = %q
}
resource "quay_quota" "test" {
  namespace = %q
  limit     = "1 GiB"
  limits    = [{ type = "Warning", threshold_percent = 75 }]
}`, url, token, org),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("quay_quota.test", tfjsonpath.New("limits"), knownvalue.SetExact([]knownvalue.Check{limitCheck("Warning", 75)})),
			},
		}},
	})
}

// limitedEmulator starts an emulator whose superuser "admin" lacks full
// access and returns its URL and admin's token; hideConfig makes GET
// /config answer an HTML 404.
func limitedEmulator(t *testing.T, hideConfig bool) (string, string) {
	return limitedEmulatorVersion(t, hideConfig, "")
}

// limitedEmulatorVersion is limitedEmulator reporting a given Quay version.
func limitedEmulatorVersion(t *testing.T, hideConfig bool, version string) (string, string) {
	cfg := emulator.DefaultConfig()
	cfg.Features.SuperusersFullAccess = false
	if version != "" {
		cfg.Version = version
	}
	em := emulator.New(cfg)
	em.AddUser("admin", "admin@example.com", true)
	var h http.Handler = em
	if hideConfig {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/config" {
				http.NotFound(w, r)
				return
			}
			em.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	em.SetBaseURL(srv.URL)
	return srv.URL, em.IssueToken("admin")
}

// createOrg makes an organization owned by the token's user.
func createOrg(t *testing.T, url, token, name string) {
	t.Helper()
	c, err := quay.New(url, quay.WithToken(token))
	if err == nil {
		err = c.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: name})
	}
	if err != nil {
		t.Fatalf("creating organization %s: %v", name, err)
	}
}

func quotaLimits(t *testing.T, ns string) []quay.QuotaLimit {
	t.Helper()
	c := testClient(t)
	q, err := c.FindQuota(context.Background(), quay.SuperuserQuotaPath, ns)
	if err != nil || q == nil {
		t.Fatalf("finding quota of %s: %v %v", ns, q, err)
	}
	return q.Limits
}

func quotaLimitID(t *testing.T, ns, kind string) int64 {
	for _, l := range quotaLimits(t, ns) {
		if l.Type == kind {
			return l.ID
		}
	}
	t.Fatalf("no %s limit on the quota of %s", kind, ns)
	return 0
}

func testAccCheckQuotaDestroy(s *terraform.State) error {
	c, err := newCheckClient()
	if err != nil {
		return err
	}
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "quay_quota" {
			continue
		}
		ns := rs.Primary.Attributes["namespace"]
		q, err := c.FindQuota(context.Background(), quay.SuperuserQuotaPath, ns)
		if quay.IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checking the quota of %q: %w", ns, err)
		}
		if q != nil && fmt.Sprint(*q.ID) == rs.Primary.Attributes["id"] {
			return fmt.Errorf("quota %d of %q still exists after destroy", *q.ID, ns)
		}
	}
	return nil
}

// TestAccQuota_lostCreateAnswerIsAdopted drops the connection after Quay
// has made the quota: the provider finds the quota and adopts it instead of
// failing now and with "already exists" on the next run.
func TestAccQuota_lostCreateAnswerIsAdopted(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testEmulator == nil {
		t.Skip("needs an emulator that can drop a connection after acting")
	}
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	token := em.IssueToken("admin")
	var dropped atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/quota") && dropped.CompareAndSwap(false, true) {
			em.ServeHTTP(httptest.NewRecorder(), r) // Quay acts ...
			if hj, ok := w.(http.Hijacker); ok {    // ... and the answer is lost.
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		em.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	org := acctest.RandomWithPrefix("tfacc")
	createOrg(t, srv.URL, token, org)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "quay" {
  url         = %q
  token       = %q
  max_retries = 0
}
resource "quay_quota" "test" {
  namespace = %q
  limit     = "4 GiB"
}`, srv.URL, token, org),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("quay_quota.test", tfjsonpath.New("limit_bytes"), knownvalue.Int64Exact(4<<30)),
			},
			Check: func(*terraform.State) error {
				if !dropped.Load() {
					return fmt.Errorf("the create answer was never dropped")
				}
				return nil
			},
		}},
	})
}

package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
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

var testAccCheckApplicationOnlyDestroy = checkDestroyed("quay_oauth_application", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	_, err := c.GetApplication(ctx, a["organization"], a["client_id"])
	return a["organization"] + "/" + a["client_id"], err
})

func testAccCheckApplicationDestroy(s *terraform.State) error {
	if err := testAccCheckApplicationOnlyDestroy(s); err != nil {
		return err
	}
	return testAccCheckOrganizationDestroy(s)
}

func applicationConfig(org, body string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_oauth_application" "test" {
  organization = quay_organization.test.name
%s
}`, org, body)
}

// Importing an application and applying a configuration that sets, keeps
// or drops secret_version never rotates its secret; only a change from one
// value to another does.
func TestAccOAuthApplication_importNeverRotates(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_oauth_application.test"
	var clientID, secret string
	secretIs := func(rotated bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			app, err := testClient(t).GetApplication(context.Background(), org, clientID)
			if err != nil {
				return err
			}
			if got := derefString(app.ClientSecret); (got != secret) != rotated {
				return fmt.Errorf("client secret rotated = %v, want %v", got != secret, rotated)
			}
			return nil
		}
	}
	withVersion := func(v string) string {
		return applicationConfig(org, `  name = "imported"`+v)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckApplicationDestroy,
		Steps: []resource.TestStep{
			{Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org)},
			{
				PreConfig: func() {
					app, err := testClient(t).CreateApplication(context.Background(), org, quay.ApplicationRequest{Name: "imported"})
					if err != nil {
						t.Fatal(err)
					}
					clientID, secret = app.ClientID, derefString(app.ClientSecret)
				},
				Config:             withVersion("\n  secret_version = 1"),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return org + "/" + clientID, nil },
				ImportStatePersist: true,
			},
			{
				Config: withVersion("\n  secret_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.NotNull()),
				}},
				Check: secretIs(false),
			},
			{Config: withVersion(""), Check: secretIs(false)},
			{Config: withVersion("\n  secret_version = 7"), Check: secretIs(false)},
			{
				Config:           withVersion("\n  secret_version = 8"),
				Check:            secretIs(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(addr, tfjsonpath.New("client_secret"))}},
			},
		},
	})
}

// Bad URIs are refused at plan, before any request.
func TestAccOAuthApplication_badURIs(t *testing.T) {
	cases := []struct{ attr, value, want string }{
		{"application_uri", "javascript:alert(1)", `javascript: URIs are refused`},
		{"application_uri", "ftp://ci.example.com", `must be an absolute http or https URL`},
		{"application_uri", "ci.example.com", `not an absolute URI`},
		{"redirect_uri", "javascript:alert(document.cookie)", `javascript: URIs are refused`},
		{"redirect_uri", "JavaScript:alert(1)", `javascript: URIs are refused`},
		{"redirect_uri", "data:text/html,<script>alert(1)</script>", `data: URIs are refused`},
		{"redirect_uri", "vbscript:msgbox", `vbscript: URIs are refused`},
		{"redirect_uri", "/oauth/callback", `not an absolute URI`},
		{"redirect_uri", "https:///callback", `it has no host`},
	}
	// An emulator of its own, to count the requests: there must be none.
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	providerBlock := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, emu.IssueToken("admin"))
	for _, tc := range cases {
		t.Run(tc.attr+"="+tc.value, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerBlock + fmt.Sprintf(`resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = "ci"
  %s = %q
}`, tc.attr, tc.value),
					PlanOnly:    true,
					ExpectError: wrappedError(tc.want),
				}},
			})
		})
	}
	if n := len(emu.Counts()); n != 0 {
		t.Errorf("rejecting bad URIs called Quay: %v", emu.Counts())
	}
}

func TestAccOAuthApplication_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_oauth_application.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	differentSecret := statecheck.CompareValue(compare.ValuesDiffer())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckApplicationDestroy,
		Steps: []resource.TestStep{
			{
				Config: applicationConfig(org, `  name = "ci"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z0-9]{20}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z0-9]{40}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("avatar_email"), knownvalue.Null()),
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					sameSecret.AddStateValue(addr, tfjsonpath.New("client_secret")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateIdFunc:                    orgImportID(addr, "client_id"),
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "client_id",
			},
			{
				Config: applicationConfig(org, `  name            = "ci-renamed"
  description     = "Pushes from CI"
  application_uri = "https://ci.example.com"
  redirect_uri    = "https://ci.example.com/callback"
  avatar_email    = "ci@example.com"
  secret_version  = 1 # set for the first time: no rotation`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("ci-renamed")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("redirect_uri"), knownvalue.StringExact("https://ci.example.com/callback")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("avatar_email"), knownvalue.StringExact("ci@example.com")),
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					sameSecret.AddStateValue(addr, tfjsonpath.New("client_secret")),
					differentSecret.AddStateValue(addr, tfjsonpath.New("client_secret")),
				},
			},
			{
				// 1 -> 2: rotation changes the secret and nothing else.
				Config: applicationConfig(org, `  name            = "ci-renamed"
  description     = "Pushes from CI"
  application_uri = "https://ci.example.com"
  redirect_uri    = "https://ci.example.com/callback"
  avatar_email    = "ci@example.com"
  secret_version  = 2`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("client_secret")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					differentSecret.AddStateValue(addr, tfjsonpath.New("client_secret")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("ci-renamed")),
				},
			},
			{
				// Clearing optional fields: PUT replaces them all.
				Config: applicationConfig(org, `  name           = "ci-renamed"
  secret_version = 2`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("avatar_email"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("redirect_uri"), knownvalue.StringExact("")),
				},
			},
			{
				PreConfig: func() {
					c := testClient(t)
					apps, err := c.ListApplications(context.Background(), org)
					if err != nil || len(apps) != 1 {
						t.Fatalf("applications: %v %v", apps, err)
					}
					if err := c.DeleteApplication(context.Background(), org, apps[0].ClientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: applicationConfig(org, `  name           = "ci-renamed"
  secret_version = 2`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)}},
			},
		},
	})
}

// orgImportID builds "organization/<attr>" import IDs from the state.
func orgImportID(addr, attr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		return rs.Primary.Attributes["organization"] + "/" + rs.Primary.Attributes[attr], nil
	}
}

func TestAccOAuthApplicationDataSources(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckApplicationDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_oauth_application" "a" {
  organization = quay_organization.test.name
  name         = "unique"
  description  = "only one"
}
resource "quay_oauth_application" "b1" {
  organization = quay_organization.test.name
  name         = "twin"
}
resource "quay_oauth_application" "b2" {
  organization = quay_organization.test.name
  name         = "twin"
}
data "quay_oauth_application" "by_name" {
  organization = quay_organization.test.name
  name         = quay_oauth_application.a.name
}
data "quay_oauth_application" "by_id" {
  organization = quay_organization.test.name
  client_id    = quay_oauth_application.b1.client_id
}
data "quay_oauth_applications" "all" {
  organization = quay_organization.test.name
  depends_on   = [quay_oauth_application.a, quay_oauth_application.b1, quay_oauth_application.b2]
}`, org),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.quay_oauth_application.by_name", tfjsonpath.New("client_id"), "quay_oauth_application.a", tfjsonpath.New("client_id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.quay_oauth_application.by_name", tfjsonpath.New("client_secret"), "quay_oauth_application.a", tfjsonpath.New("client_secret"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.quay_oauth_application.by_name", tfjsonpath.New("description"), knownvalue.StringExact("only one")),
					statecheck.ExpectKnownValue("data.quay_oauth_application.by_id", tfjsonpath.New("name"), knownvalue.StringExact("twin")),
					statecheck.ExpectKnownValue("data.quay_oauth_applications.all", tfjsonpath.New("applications"), knownvalue.ListSizeExact(3)),
				},
			},
			{
				Config: fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_oauth_application" "b1" {
  organization = quay_organization.test.name
  name         = "twin"
}
resource "quay_oauth_application" "b2" {
  organization = quay_organization.test.name
  name         = "twin"
}
data "quay_oauth_application" "ambiguous" {
  organization = quay_organization.test.name
  name         = "twin"
  depends_on   = [quay_oauth_application.b1, quay_oauth_application.b2]
}`, org),
				ExpectError: regexp.MustCompile(`has 2 applications named "twin"`),
			},
		},
	})
}

func TestAccOAuthApplication_badInput(t *testing.T) {
	cases := []struct{ config, want string }{
		{`resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = ""
}`, `string length must be at least 1`},
		{`resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = "__quay_bootstrap_app"
}`, `value must be none of`},
		{`resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = "ok"
  avatar_email = "not-an-email"
}`, `Invalid e-mail address`},
		{`data "quay_oauth_application" "x" {
  organization = "acme"
}`, `one \(and only one\) of \[name,client_id\] is\s+required`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
		})
	}
}

func TestAccOAuthApplication_unknownOrg(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `resource "quay_oauth_application" "x" {
  organization = "tfacc-no-such-org-anywhere"
  name         = "ci"
}`,
			ExpectError: regexp.MustCompile(`Unable to list the applications of "tfacc-no-such-org-anywhere"`),
		}},
	})
}

package provider

import (
	"context"
	"fmt"
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
				ImportStateIdFunc:                    importID(addr, "organization", "client_id"),
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "client_id",
			},
			{
				Config: applicationConfig(org, `  name            = "ci-renamed"
  description     = "Pushes from CI"
  application_uri = "https://ci.example.com"
  redirect_uri    = "https://ci.example.com/callback"
  avatar_email    = "ci@example.com"`),
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
				// Rotation changes the secret and nothing else.
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

// importID builds "a/b" import IDs from two state attributes.
func importID(addr, a, b string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		return rs.Primary.Attributes[a] + "/" + rs.Primary.Attributes[b], nil
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

package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
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

func TestAccOrganization_lifecycle(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	addr := "quay_organization.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email_address"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_expiration_s"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
			},
			{
				Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name                  = %q
  email                 = "%s@example.com"
  invoice_email         = true
  invoice_email_address = "billing-%s@example.com"
  tag_expiration_s      = 86400
}`, name, name, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact(name+"@example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email_address"), knownvalue.StringExact("billing-"+name+"@example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_expiration_s"), knownvalue.Int64Exact(86400)),
				},
			},
			{
				// Removing optional settings clears them in Quay.
				Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name             = %q
  tag_expiration_s = 0
}`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email_address"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_expiration_s"), knownvalue.Int64Exact(0)),
				},
			},
			{
				// Deleted outside Terraform: the next plan recreates it.
				PreConfig: func() {
					if err := testClient(t).DeleteOrganization(context.Background(), name); err != nil {
						t.Fatalf("deleting organization behind Terraform's back: %v", err)
					}
				},
				Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name             = %q
  tag_expiration_s = 0
}`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccOrganization_replaceKeepsName: see testAccReplaceKeepsName.
func TestAccOrganization_replaceKeepsName(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	addr := "quay_organization.test"
	testAccReplaceKeepsName(t, addr, fmt.Sprintf(`
resource "quay_organization" "test" {
  name             = %q
  tag_expiration_s = 86400
}`, name), testAccCheckOrganizationDestroy,
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_expiration_s"), knownvalue.Int64Exact(86400)))
}

func TestAccOrganization_createWithSettings(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	addr := "quay_organization.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name                  = %q
  email                 = "%s@example.com"
  invoice_email         = true
  invoice_email_address = "billing@example.com"
  tag_expiration_s      = 604800
}`, name, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact(name+"@example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invoice_email"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_expiration_s"), knownvalue.Int64Exact(604800)),
				},
			},
			{
				// A new name replaces the organization.
				Config: fmt.Sprintf(`resource "quay_organization" "test" { name = "%s-2" }`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					return checkGone("organization", name, getOrgErr(t, name))
				},
			},
		},
	})
}

func TestAccOrganization_badInput(t *testing.T) {
	cases := []struct {
		attrs string
		want  string
	}{
		{`name = "Bad_Name"`, `must be a valid Quay organization name`},
		{`name = "a"`, `string length must be between 2 and 255`},
		{`name = "ok-name" ` + "\n" + `email = "not-an-email"`, `Invalid e-mail address`},
		{`name = "ok-name" ` + "\n" + `invoice_email_address = ""`, `string length must be at least 1`},
		{`name = "ok-name" ` + "\n" + `tag_expiration_s = -1`, `value must be at least 0`},
		{`name = "ok-name" ` + "\n" + `tag_expiration_s = 12345`, `not one of this instance's TAG_EXPIRATION_OPTIONS`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      fmt.Sprintf("resource \"quay_organization\" \"test\" {\n%s\n}", tc.attrs),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
}

func TestAccOrganizationDataSource(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name             = %q
  email            = "%s@example.com"
  tag_expiration_s = 2419200
}
data "quay_organization" "test" {
  name = quay_organization.test.name
}`, name, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_organization.test", tfjsonpath.New("email"), knownvalue.StringExact(name+"@example.com")),
				statecheck.ExpectKnownValue("data.quay_organization.test", tfjsonpath.New("tag_expiration_s"), knownvalue.Int64Exact(2419200)),
				statecheck.ExpectKnownValue("data.quay_organization.test", tfjsonpath.New("is_admin"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.quay_organization.test", tfjsonpath.New("teams"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":         knownvalue.StringExact("owners"),
						"role":         knownvalue.StringExact("admin"),
						"member_count": knownvalue.Int64Exact(1),
					}),
				})),
			},
		}},
	})
}

func TestAccOrganizationDataSource_missing(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "quay_organization" "test" { name = "tfacc-no-such-org-anywhere" }`,
			ExpectError: regexp.MustCompile(`Unable to read organization "tfacc-no-such-org-anywhere"`),
		}},
	})
}

func getOrgErr(t *testing.T, name string) error {
	_, err := testClient(t).GetOrganization(context.Background(), name)
	return err
}

var testAccCheckOrganizationDestroy = checkDestroyed("quay_organization", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	_, err := c.GetOrganization(ctx, a["name"])
	return a["name"], err
})

// With FEATURE_CHANGE_TAG_EXPIRATION off, Quay ignores tag_expiration_s:
// the plan says so, naming the flag, before any write; an organization
// without the attribute is created as usual.
func TestAccOrganization_tagExpirationFeatureOff(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Features.ChangeTagExpiration = false
	em := emulator.New(cfg)
	em.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(em)
	defer srv.Close()
	provider := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, em.IssueToken("admin"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + `resource "quay_organization" "o" {` + "\n" + `  name             = "frozen"` + "\n" + `  tag_expiration_s = 604800` + "\n}",
				ExpectError: wrappedError("FEATURE_CHANGE_TAG_EXPIRATION turned off"),
			},
			{
				PreConfig: func() {
					if len(em.Organizations()) != 0 {
						t.Errorf("the refused plan created an organization: %v", em.Organizations())
					}
				},
				Config: provider + `resource "quay_organization" "o" { name = "frozen" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("quay_organization.o", tfjsonpath.New("tag_expiration_s"), knownvalue.Int64Exact(1209600)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

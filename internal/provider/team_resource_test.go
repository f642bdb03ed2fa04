package provider

import (
	"context"
	"fmt"
	"net/http"
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

func testAccCheckTeamDestroy(s *terraform.State) error {
	c, err := newCheckClient()
	if err != nil {
		return err
	}
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "quay_team" {
			continue
		}
		org, name := rs.Primary.Attributes["organization"], rs.Primary.Attributes["name"]
		o, err := c.GetOrganization(context.Background(), org)
		if err == nil {
			if _, ok := o.Teams[name]; ok {
				return fmt.Errorf("team %s/%s still exists", org, name)
			}
		}
	}
	return testAccCheckOrganizationDestroy(s)
}

func teamConfig(org, team, role, description string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_team" "test" {
  organization = quay_organization.test.name
  name         = %q
  role         = %q
  description  = %q
}`, org, team, role, description)
}

func TestAccTeam_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_team.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckTeamDestroy,
		Steps: []resource.TestStep{
			{
				Config: teamConfig(org, "builders", "member", "Builds things"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("member")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Builds things")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     org + "/builders",
				ImportStateVerify: true,
				// No id attribute: identify the team by its name.
				ImportStateVerifyIdentifierAttribute: "name",
			},
			{
				Config: teamConfig(org, "builders", "creator", "Builds and creates"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					o, err := testClient(t).GetOrganization(context.Background(), org)
					if err != nil {
						return err
					}
					if got := o.Teams["builders"]; got.Role != "creator" || got.Description != "Builds and creates" {
						return fmt.Errorf("team in Quay: %+v", got)
					}
					return nil
				},
			},
			{
				// An admin team the token's user is not in can be deleted.
				Config: teamConfig(org, "builders", "admin", ""),
			},
			{
				PreConfig: func() {
					if err := testClient(t).DeleteTeam(context.Background(), org, "builders"); err != nil {
						t.Fatalf("deleting the team behind Terraform's back: %v", err)
					}
				},
				Config: teamConfig(org, "builders", "admin", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				Config: teamConfig(org, "deployers", "admin", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
		},
	})
}

// The token's user is in "owners", the only admin team of an org it made:
// Quay refuses to downgrade it, and so does the plan. Destroying a managed
// owners team leaves it in Quay, so destroying the whole configuration
// (team and organization) succeeds.
func TestAccTeam_owners(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	orgOnly := fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				// Quay made owners with the organization: declaring it manages it.
				Config: teamConfig(org, "owners", "admin", "Organization owners"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("quay_team.test", tfjsonpath.New("description"), knownvalue.StringExact("Organization owners")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:      teamConfig(org, "owners", "member", "Organization owners"),
				ExpectError: regexp.MustCompile(`is the only admin team of the token's user`),
			},
			{
				// No longer managed: the team stays, the organization too.
				Config: orgOnly,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("quay_team.test", plancheck.ResourceActionDestroy)},
				},
				Check: func(*terraform.State) error {
					o, err := testClient(t).GetOrganization(context.Background(), org)
					if err != nil {
						return err
					}
					if got, ok := o.Teams["owners"]; !ok || got.Role != "admin" {
						return fmt.Errorf("owners after its destroy: %+v (present %v), want it kept as an admin team", got, ok)
					}
					return nil
				},
			},
			{
				// Managed again, then the test's destroy removes team and organization together.
				Config: teamConfig(org, "owners", "admin", "Organization owners"),
			},
		},
	})
}

// A team made outside Terraform is not taken over by a create: the apply
// fails before writing, names the import command, and after the import the
// plan shows exactly the changes the configuration asks for.
func TestAccTeam_existingTeamIsNotTakenOver(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_team.test"
	orgOnly := fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckTeamDestroy,
		Steps: []resource.TestStep{
			{Config: orgOnly},
			{
				PreConfig: func() {
					desc := "made by hand"
					if _, err := testClient(t).UpsertTeam(context.Background(), org, "handmade", quay.TeamRequest{Role: "creator", Description: &desc}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      teamConfig(org, "handmade", "member", "from Terraform"),
				ExpectError: wrappedError(`Team "handmade" of organization "`+org+`" already exists`, "terraform import quay_team.<name> "+org+"/handmade"),
			},
			{
				// Nothing was written.
				Config: orgOnly,
				Check: func(*terraform.State) error {
					o, err := testClient(t).GetOrganization(context.Background(), org)
					if err != nil {
						return err
					}
					if got := o.Teams["handmade"]; got.Role != "creator" || got.Description != "made by hand" {
						return fmt.Errorf("the refused create changed the team: %+v", got)
					}
					return nil
				},
			},
			{
				Config:             teamConfig(org, "handmade", "member", "from Terraform"),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      org + "/handmade",
				ImportStatePersist: true,
			},
			{
				Config: teamConfig(org, "handmade", "member", "from Terraform"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("member")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccTeamDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	me := testCurrentUser(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{{
			Config: teamConfig(org, "builders", "creator", "x") + `
data "quay_team" "owners" {
  organization = quay_organization.test.name
  name         = "owners"
}
data "quay_team" "builders" {
  organization = quay_team.test.organization
  name         = quay_team.test.name
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_team.owners", tfjsonpath.New("role"), knownvalue.StringExact("admin")),
				statecheck.ExpectKnownValue("data.quay_team.owners", tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact(me), "kind": knownvalue.StringExact("user"), "invited": knownvalue.Bool(false),
					}),
				})),
				statecheck.ExpectKnownValue("data.quay_team.builders", tfjsonpath.New("role"), knownvalue.StringExact("creator")),
				statecheck.ExpectKnownValue("data.quay_team.builders", tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccTeam_badInput(t *testing.T) {
	cases := []struct{ config, want string }{
		{`resource "quay_team" "x" {
  organization = "acme"
  name         = "Builders"
  role         = "member"
}`, `must be a valid Quay team name`},
		{`resource "quay_team" "x" {
  organization = "acme"
  name         = "builders"
  role         = "owner"
}`, `value must be one of`},
		{`resource "quay_team" "x" {
  organization = "ACME"
  name         = "builders"
  role         = "member"
}`, `must be a valid Quay organization name`},
		{`resource "quay_team" "x" {
  organization = "acme"
  name         = "b"
  role         = "member"
}`, `string length must be between 2 and 255`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
		})
	}
}

// A team create that Quay applies but whose answer is lost keeps the team
// in state in the same apply (it was absent just before), so the next
// apply does not meet it as a team made outside Terraform.
func TestAccTeam_lostCreateAnswer(t *testing.T) {
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	url, hit := lostAnswerServer(t, em, http.MethodPut, "/api/v1/organization/lost/team/builders")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", url, em.IssueToken("admin")) +
				teamConfig("lost", "builders", "creator", "kept"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if !hit.Load() {
					return fmt.Errorf("the team PUT never came")
				}
				return nil
			},
		}},
	})
}

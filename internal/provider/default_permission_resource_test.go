package provider

import (
	"context"
	"fmt"
	"net/http"
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

var testAccCheckDefaultPermissionDestroy = checkDestroyed("quay_default_permission", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	p, err := findPrototype(ctx, c, a["organization"], a["id"])
	if err == nil && p == nil {
		err = &quay.APIError{StatusCode: http.StatusNotFound, NotFound: true}
	}
	return a["organization"] + "/" + a["id"], err
})

func testAccCheckDefaultPermissionAndOrgDestroy(s *terraform.State) error {
	if err := testAccCheckDefaultPermissionDestroy(s); err != nil {
		return err
	}
	return testAccCheckOrganizationDestroy(s)
}

// defaultPermissionFixture is an organization with a team and two users.
func defaultPermissionFixture(org string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_team" "builders" {
  organization = quay_organization.test.name
  name         = "builders"
  role         = "member"
}
resource "quay_user" "dev" {
  username = "%s-dev"
  email    = "%s-dev@example.com"
}
resource "quay_user" "ci" {
  username = "%s-ci"
  email    = "%s-ci@example.com"
}
`, org, org, org, org, org)
}

func teamDefaultPermission(role string) string {
	return fmt.Sprintf(`
resource "quay_default_permission" "team" {
  organization  = quay_organization.test.name
  delegate_team = quay_team.builders.name
  role          = %q
}`, role)
}

const userDefaultPermission = `
resource "quay_default_permission" "user" {
  organization        = quay_organization.test.name
  delegate_username   = quay_user.dev.username
  activating_username = quay_user.ci.username
  role                = "read"
}`

// prototypeOf finds the one default permission of org for delegate.
func prototypeOf(t *testing.T, org, delegate string) *quay.Prototype {
	t.Helper()
	list, err := testClient(t).ListPrototypes(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	var found *quay.Prototype
	for i := range list {
		if list[i].Delegate.Name == delegate {
			if found != nil {
				t.Fatalf("two default permissions for %s in %s", delegate, org)
			}
			found = &list[i]
		}
	}
	if found == nil {
		t.Fatalf("no default permission for %s in %s", delegate, org)
	}
	return found
}

func TestAccDefaultPermission_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	team, user := "quay_default_permission.team", "quay_default_permission.user"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDefaultPermissionAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: defaultPermissionFixture(org) + teamDefaultPermission("write") + userDefaultPermission,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(team, tfjsonpath.New("id"), knownvalue.StringRegexp(uuid)),
					statecheck.ExpectKnownValue(team, tfjsonpath.New("role"), knownvalue.StringExact("write")),
					statecheck.ExpectKnownValue(team, tfjsonpath.New("delegate_username"), knownvalue.Null()),
					statecheck.ExpectKnownValue(team, tfjsonpath.New("activating_username"), knownvalue.Null()),
					statecheck.ExpectKnownValue(user, tfjsonpath.New("delegate_username"), knownvalue.StringExact(org+"-dev")),
					statecheck.ExpectKnownValue(user, tfjsonpath.New("activating_username"), knownvalue.StringExact(org+"-ci")),
					statecheck.ExpectKnownValue(user, tfjsonpath.New("delegate_team"), knownvalue.Null()),
					sameID.AddStateValue(team, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: team, ImportState: true, ImportStateIdFunc: orgImportID(team, "id"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "id"},
			{ResourceName: user, ImportState: true, ImportStateIdFunc: orgImportID(user, "id"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "id"},
			{
				// The role changes in place; the id stays.
				Config: defaultPermissionFixture(org) + teamDefaultPermission("admin") + userDefaultPermission,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(team, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(team, tfjsonpath.New("role"), knownvalue.StringExact("admin")),
					sameID.AddStateValue(team, tfjsonpath.New("id")),
				},
				Check: func(*terraform.State) error {
					if p := prototypeOf(t, org, "builders"); p.Role != "admin" {
						return fmt.Errorf("role in Quay = %q", p.Role)
					}
					return nil
				},
			},
			{
				// The role changed outside Terraform is drift, set back in place.
				PreConfig: func() {
					p := prototypeOf(t, org, "builders")
					if _, err := testClient(t).UpdatePrototype(context.Background(), org, p.ID, "read"); err != nil {
						t.Fatal(err)
					}
				},
				Config: defaultPermissionFixture(org) + teamDefaultPermission("admin") + userDefaultPermission,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(team, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(team, tfjsonpath.New("id"))},
			},
			{
				// Deleted outside Terraform: Read drops it and the apply makes it again.
				PreConfig: func() {
					p := prototypeOf(t, org, "builders")
					if err := testClient(t).DeletePrototype(context.Background(), org, p.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: defaultPermissionFixture(org) + teamDefaultPermission("admin") + userDefaultPermission,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(team, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Changing the delegate replaces the default permission.
				Config: defaultPermissionFixture(org) + teamDefaultPermission("admin") + `
resource "quay_default_permission" "user" {
  organization      = quay_organization.test.name
  delegate_username = quay_user.ci.username
  role              = "read"
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(user, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(user, tfjsonpath.New("activating_username"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccDefaultPermission_identity(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_default_permission.team"
	config := defaultPermissionFixture(org) + teamDefaultPermission("read")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDefaultPermissionAndOrgDestroy,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("organization")),
				statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
			}},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateIdFunc: orgImportID(addr, "id")},
		},
	})
}

// Quay accepts identical default permissions, so a create that meets one
// made outside Terraform fails before writing and names the import ID.
func TestAccDefaultPermission_alreadyExists(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	var existing string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDefaultPermissionAndOrgDestroy,
		Steps: []resource.TestStep{
			{Config: defaultPermissionFixture(org)},
			{
				PreConfig: func() {
					p, err := testClient(t).CreatePrototype(context.Background(), org, quay.CreatePrototypeRequest{Role: "read", Delegate: quay.PrototypeDelegate{Kind: "team", Name: "builders"}})
					if err != nil {
						t.Fatal(err)
					}
					existing = p.ID
				},
				Config:      defaultPermissionFixture(org) + teamDefaultPermission("write"),
				ExpectError: regexp.MustCompile(`(?s)already exists in Quay, so Terraform did not change it.*terraform import quay_default_permission.<name> ` + org + `/[0-9a-f-]{36}`),
			},
			{
				Config:             defaultPermissionFixture(org) + teamDefaultPermission("write"),
				ResourceName:       "quay_default_permission.team",
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return org + "/" + existing, nil },
				ImportStatePersist: true,
			},
			{
				Config: defaultPermissionFixture(org) + teamDefaultPermission("write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("quay_default_permission.team", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					list, err := testClient(t).ListPrototypes(context.Background(), org)
					if err != nil || len(list) != 1 || list[0].ID != existing || list[0].Role != "write" {
						return fmt.Errorf("default permissions after import and apply: %+v %v", list, err)
					}
					return nil
				},
			},
		},
	})
}

// A create whose answer is lost after Quay made the default permission
// keeps that one: no second copy, in this apply or the next.
func TestAccDefaultPermission_lostCreateAnswer(t *testing.T) {
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	url, hit := lostAnswerServer(t, em, http.MethodPost, "/api/v1/organization/lost/prototypes")
	config := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", url, em.IssueToken("admin")) +
		defaultPermissionFixture("lost") + teamDefaultPermission("write")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if !hit.Load() {
					return fmt.Errorf("the prototype POST never came")
				}
				if got := em.Prototypes("lost"); len(got) != 1 {
					return fmt.Errorf("default permissions in Quay: %v, want exactly one", got)
				}
				return nil
			},
		}},
	})
}

// Quay's refusals of a create come back with Quay's words.
func TestAccDefaultPermission_refusals(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	cases := []struct{ body, want string }{
		{`delegate_team = "no-such-team"`, `Team does not exist`},
		{`delegate_username = "tfacc-no-such-user-anywhere"`, `Missing delegate user or team`},
		{"delegate_username = quay_user.dev.username\n  activating_username = \"tfacc-no-such-user-anywhere\"", `Unknown activating user`},
	}
	steps := []resource.TestStep{{Config: defaultPermissionFixture(org)}}
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: defaultPermissionFixture(org) + fmt.Sprintf(`
resource "quay_default_permission" "x" {
  organization = quay_organization.test.name
  role         = "read"
  %s
}`, tc.body),
			ExpectError: wrappedError("Unable to create the default permission", tc.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDefaultPermissionAndOrgDestroy,
		Steps:                    steps,
	})
}

// planCase is a configuration that must fail at plan with want.
type planCase struct{ config, want string }

// planFailsWithoutRequests plans each case against an emulator of its own
// and checks that none of them made a single request.
func planFailsWithoutRequests(t *testing.T, cases []planCase) {
	t.Helper()
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	providerBlock := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, emu.IssueToken("admin"))
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: providerBlock + tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
			})
		})
	}
	if n := len(emu.Counts()); n != 0 {
		t.Errorf("rejecting bad input called Quay: %v", emu.Counts())
	}
}

// Bad input fails at plan, before any request.
func TestAccDefaultPermission_badInput(t *testing.T) {
	block := func(body string) string {
		return "resource \"quay_default_permission\" \"x\" {\n  organization = \"acme\"\n  " + body + "\n}"
	}
	planFailsWithoutRequests(t, []planCase{
		{block("role = \"read\"\n  delegate_team = \"builders\"\n  delegate_username = \"dev\""), `Invalid Attribute Combination`},
		{block("role = \"read\""), `Missing Attribute Configuration`},
		{block("role = \"read\"\n  delegate_team = \"builders\"\n  role_override = 1"), `Unsupported argument`},
		{block("role = \"owner\"\n  delegate_team = \"builders\""), `value must be one of`},
		{block("role = \"read\"\n  delegate_team = \"Builders\""), `must be a valid Quay team name`},
		{block("role = \"read\"\n  delegate_username = \"Dev\""), `must be a Quay user name, or a robot's full name`},
		{block("role = \"read\"\n  delegate_username = \"acme+\""), `must be a Quay user name, or a robot's full name`},
		{block("role = \"read\"\n  delegate_username = \"other+bot\""), `Robot "other\+bot" belongs to namespace "other"`},
		{block("role = \"read\"\n  delegate_team = \"builders\"\n  activating_username = \"other+bot\""), `Quay grants robots only in their own namespace`},
	})
}

func TestAccDefaultPermissionsDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	ds := "data.quay_default_permissions.all"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDefaultPermissionAndOrgDestroy,
		Steps: []resource.TestStep{{
			// The user's default permission is made second, so the list's order is known.
			Config: defaultPermissionFixture(org) + teamDefaultPermission("write") + `
resource "quay_default_permission" "user" {
  organization        = quay_organization.test.name
  delegate_username   = quay_user.dev.username
  activating_username = quay_user.ci.username
  role                = "read"
  depends_on          = [quay_default_permission.team]
}
data "quay_default_permissions" "all" {
  organization = quay_organization.test.name
  depends_on   = [quay_default_permission.team, quay_default_permission.user]
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("default_permissions"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"role": knownvalue.StringExact("write"), "delegate_team": knownvalue.StringExact("builders"),
						"delegate_username": knownvalue.Null(), "activating_username": knownvalue.Null(),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"role": knownvalue.StringExact("read"), "delegate_team": knownvalue.Null(),
						"delegate_username": knownvalue.StringExact(org + "-dev"), "activating_username": knownvalue.StringExact(org + "-ci"),
					}),
				})),
				statecheck.CompareValuePairs(ds, tfjsonpath.New("default_permissions").AtSliceIndex(0).AtMapKey("id"), "quay_default_permission.team", tfjsonpath.New("id"), compare.ValuesSame()),
			},
		}},
	})
}

package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var testAccCheckRepositoryPermissionDestroy = checkDestroyed("quay_repository_permission", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	ns, name := splitRepositoryPath(a["repository"])
	if a["team"] != "" {
		_, err := c.GetRepositoryTeamPermission(ctx, ns, name, a["team"])
		return a["repository"] + "/team/" + a["team"], err
	}
	_, err := c.GetRepositoryUserPermission(ctx, ns, name, a["username"])
	return a["repository"] + "/user/" + a["username"], err
})

func testAccCheckPermissionFixtureDestroy(s *terraform.State) error {
	if err := testAccCheckRepositoryPermissionDestroy(s); err != nil {
		return err
	}
	return testAccCheckOrganizationDestroy(s)
}

// permissionFixture is defaultPermissionFixture (an organization with a
// team and two users) with a repository, app.
func permissionFixture(org string) string {
	return defaultPermissionFixture(org) + `
resource "quay_repository" "app" {
  namespace = quay_organization.test.name
  name      = "app"
}
`
}

func teamGrant(role string) string {
	return fmt.Sprintf(`
resource "quay_repository_permission" "team" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  team       = quay_team.builders.name
  role       = %q
}`, role)
}

func userGrant(user, role string) string {
	return fmt.Sprintf(`
resource "quay_repository_permission" "user" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = quay_user.%s.username
  role       = %q
}`, user, role)
}

func TestAccRepositoryPermission_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	team, user := "quay_repository_permission.team", "quay_repository_permission.user"
	repo := org + "/app"
	config := func(teamRole, who, userRole string) string {
		return permissionFixture(org) + teamGrant(teamRole) + userGrant(who, userRole)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPermissionFixtureDestroy,
		Steps: []resource.TestStep{
			{
				Config: config("write", "dev", "read"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(team, tfjsonpath.New("repository"), knownvalue.StringExact(repo)),
					statecheck.ExpectKnownValue(team, tfjsonpath.New("role"), knownvalue.StringExact("write")),
					statecheck.ExpectKnownValue(team, tfjsonpath.New("username"), knownvalue.Null()),
					statecheck.ExpectKnownValue(user, tfjsonpath.New("username"), knownvalue.StringExact(org+"-dev")),
					statecheck.ExpectKnownValue(user, tfjsonpath.New("team"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					r, err := testClient(t).GetRepositoryTeamPermission(context.Background(), org, "app", "builders")
					if err != nil || r.Role != "write" {
						return fmt.Errorf("team grant in Quay: %+v %v", r, err)
					}
					return nil
				},
			},
			// Both grants are on one repository, so each import is checked
			// against what it must hold (ImportStateVerify pairs by one attribute).
			{ResourceName: team, ImportState: true, ImportStateId: repo + "/team/builders", ImportStateCheck: importedGrant(repo, "team", "builders", "write")},
			{ResourceName: user, ImportState: true, ImportStateId: repo + "/user/" + org + "-dev", ImportStateCheck: importedGrant(repo, "username", org+"-dev", "read")},
			{
				// Roles change in place.
				Config: config("admin", "dev", "write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(team, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(user, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A role changed outside Terraform is drift, set back in place.
				PreConfig: func() {
					if _, err := testClient(t).SetRepositoryUserPermission(context.Background(), org, "app", org+"-dev", "read"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("admin", "dev", "write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(user, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Deleted outside Terraform: Quay's 400 for a missing grant reads as gone.
				PreConfig: func() {
					if err := testClient(t).DeleteRepositoryTeamPermission(context.Background(), org, "app", "builders"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("admin", "dev", "write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(team, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Another grantee replaces the grant.
				Config: config("admin", "ci", "write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(user, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					if _, err := testClient(t).GetRepositoryUserPermission(context.Background(), org, "app", org+"-dev"); !quay.IsNotFound(err) {
						return fmt.Errorf("the old grant is still there: %v", err)
					}
					return nil
				},
			},
		},
	})
}

// importedGrant checks the one imported grant.
func importedGrant(repo, attr, name, role string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d instances", len(states))
		}
		a := states[0].Attributes
		other := map[string]string{"team": "username", "username": "team"}[attr]
		if a["repository"] != repo || a[attr] != name || a["role"] != role || a[other] != "" {
			return fmt.Errorf("imported %v", a)
		}
		return nil
	}
}

func TestAccRepositoryPermission_identity(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_repository_permission.team"
	config := permissionFixture(org) + teamGrant("read")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPermissionFixtureDestroy,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
					"repository": knownvalue.StringExact(org + "/app"), "team": knownvalue.StringExact("builders"), "username": knownvalue.Null(),
				}),
			}},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: org + "/app/team/builders"},
		},
	})
}

// Quay's grant is an upsert, so a create that meets an existing grant, such
// as the creator's admin, fails before writing and names the import ID.
func TestAccRepositoryPermission_alreadyExists(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	me := testCurrentUser(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPermissionFixtureDestroy,
		Steps: []resource.TestStep{{
			Config: permissionFixture(org) + fmt.Sprintf(`
resource "quay_repository_permission" "creator" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = %q
  role       = "read"
}`, me),
			ExpectError: wrappedError("already exists in Quay, so Terraform did not change it.", `It grants "admin".`,
				"terraform import quay_repository_permission.<name> "+org+"/app/user/"+me),
		}},
	})
}

// Quay's refusals come back with Quay's words.
func TestAccRepositoryPermission_refusals(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	me := testCurrentUser(t)
	grant := func(body string) string {
		return permissionFixture(org) + fmt.Sprintf(`
resource "quay_repository_permission" "x" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  role       = "read"
  %s
}`, body)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPermissionFixtureDestroy,
		Steps: []resource.TestStep{
			{Config: permissionFixture(org)},
			{Config: grant(`username = "tfacc-no-such-user-anywhere"`), ExpectError: wrappedError("Unable to create the permission", "Invalid username: tfacc-no-such-user-anywhere")},
			{Config: grant(`team = "no-such-team"`), ExpectError: wrappedError("Unable to create the permission", "No team no-such-team in organization "+org)},
			{
				// A team on a repository of a user namespace.
				Config: permissionFixture(org) + fmt.Sprintf(`
resource "quay_repository" "mine" {
  namespace = %q
  name      = "%s-own"
}
resource "quay_repository_permission" "x" {
  repository = "${quay_repository.mine.namespace}/${quay_repository.mine.name}"
  team       = quay_team.builders.name
  role       = "read"
}`, me, org),
				ExpectError: wrappedError("No team builders in organization " + me),
			},
			{
				// A missing repository: Quay fails unguarded; the provider says what is wrong.
				Config: permissionFixture(org) + fmt.Sprintf(`
resource "quay_repository_permission" "x" {
  repository = "%s/no-such-repository"
  team       = quay_team.builders.name
  role       = "read"
}`, org),
				ExpectError: wrappedError(`Repository "` + org + `/no-such-repository" does not exist`),
			},
		},
	})
}

// Bad input fails at plan, before any request.
func TestAccRepositoryPermission_badInput(t *testing.T) {
	cases := []struct{ resource, body, want string }{
		{"quay_repository_permission", `repository = "acme/app"
  team = "builders"
  username = "dev"
  role = "read"`, `Invalid Attribute Combination`},
		{"quay_repository_permission", `repository = "acme/app"
  role = "read"`, `Missing Attribute Configuration`},
		{"quay_repository_permission", `repository = "acme/app"
  team = "builders"
  role = "owner"`, `value must be one of`},
		{"quay_repository_permission", `repository = "acme"
  team = "builders"
  role = "read"`, `must be a repository as namespace/name`},
		{"quay_repository_permission", `repository = "acme/App"
  team = "builders"
  role = "read"`, `must be a repository as namespace/name`},
		{"quay_repository_permission", `repository = "acme/app"
  username = "Dev"
  role = "read"`, `must be a Quay user name`},
		{"quay_repository_permission", `repository = "acme/app"
  username = "other+bot"
  role = "read"`, `Quay grants robots only in their own namespace`},
		{"quay_repository_permission", `repository = "alice/app"
  username = "alice"
  role = "read"`, `Namespace owner must stay admin`},
		{"quay_repository_permissions", `repository = "acme/app"
  users = { "other+bot" = "read" }`, `Quay grants robots only in their own namespace`},
		{"quay_repository_permissions", `repository = "alice/app"
  users = { alice = "read" }`, `Namespace owner must stay admin`},
		{"quay_repository_permissions", `repository = "acme/app"
  teams = { builders = "owner" }`, `value must be one of`},
		{"quay_repository_permissions", `repository = "acme/app"
  teams = { Builders = "read" }`, `must be a valid Quay team name`},
	}
	var plans []planCase
	for _, tc := range cases {
		plans = append(plans, planCase{fmt.Sprintf("resource %q \"x\" {\n  %s\n}", tc.resource, tc.body), tc.want})
	}
	planFailsWithoutRequests(t, plans)
}

// The authoritative resource: grants outside the configuration, the
// creator's admin included, are drift and go on apply.
func TestAccRepositoryPermissions_authoritative(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_repository_permissions.app"
	config := func(teams, users string) string {
		return permissionFixture(org) + fmt.Sprintf(`
resource "quay_repository_permissions" "app" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  teams      = { %s }
  users      = { %s }
}
data "quay_repository_permissions" "app" {
  repository = quay_repository_permissions.app.repository
}`, teams, users)
	}
	grantsAre := func(teams, users map[string]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			c := testClient(t)
			u, err := c.ListRepositoryUserPermissions(context.Background(), org, "app")
			if err != nil {
				return err
			}
			tm, err := c.ListRepositoryTeamPermissions(context.Background(), org, "app")
			if err != nil {
				return err
			}
			got := func(m map[string]quay.RepositoryPermission) map[string]string {
				out := map[string]string{}
				for k, v := range m {
					out[k] = v.Role
				}
				return out
			}
			if fmt.Sprint(got(u)) != fmt.Sprint(users) || fmt.Sprint(got(tm)) != fmt.Sprint(teams) {
				return fmt.Errorf("grants in Quay: users %v teams %v, want users %v teams %v", got(u), got(tm), users, teams)
			}
			return nil
		}
	}
	dev, ci := org+"-dev", org+"-ci"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				// The creator's admin grant is not listed, so it goes.
				Config: config(`builders = "write"`, `(quay_user.dev.username) = "read"`),
				Check:  grantsAre(map[string]string{"builders": "write"}, map[string]string{dev: "read"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_repository_permissions.app", tfjsonpath.New("teams"), knownvalue.MapExact(map[string]knownvalue.Check{"builders": knownvalue.StringExact("write")})),
					statecheck.ExpectKnownValue("data.quay_repository_permissions.app", tfjsonpath.New("users"), knownvalue.MapExact(map[string]knownvalue.Check{dev: knownvalue.StringExact("read")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: org + "/app", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "repository"},
			{
				// Grants added or changed outside Terraform are drift.
				PreConfig: func() {
					c := testClient(t)
					if _, err := c.SetRepositoryUserPermission(context.Background(), org, "app", ci, "admin"); err != nil {
						t.Fatal(err)
					}
					if _, err := c.SetRepositoryTeamPermission(context.Background(), org, "app", "builders", "read"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(`builders = "write"`, `(quay_user.dev.username) = "read"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: grantsAre(map[string]string{"builders": "write"}, map[string]string{dev: "read"}),
			},
			{
				// Changes in the configuration: add, change, remove.
				Config: config(``, `(quay_user.dev.username) = "admin", (quay_user.ci.username) = "read"`),
				Check:  grantsAre(map[string]string{}, map[string]string{dev: "admin", ci: "read"}),
			},
			{
				// Destroying the resource removes its grants; the repository stays.
				Config: permissionFixture(org),
				Check:  grantsAre(map[string]string{}, map[string]string{}),
			},
		},
	})
}

// A default permission grants on repositories created after it, and
// quay_repository_permissions shows the grant.
func TestAccDefaultPermission_appliesToNewRepositories(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_team" "builders" {
  organization = quay_organization.test.name
  name         = "builders"
  role         = "member"
}
resource "quay_default_permission" "builders" {
  organization  = quay_organization.test.name
  delegate_team = quay_team.builders.name
  role          = "write"
}
resource "quay_repository" "app" {
  namespace  = quay_organization.test.name
  name       = "app"
  depends_on = [quay_default_permission.builders]
}
data "quay_repository_permissions" "app" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
}`, org),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_repository_permissions.app", tfjsonpath.New("teams"), knownvalue.MapExact(map[string]knownvalue.Check{"builders": knownvalue.StringExact("write")})),
			},
		}},
	})
}

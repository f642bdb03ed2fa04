package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
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

var testAccCheckRobotDestroy = checkDestroyed("quay_robot", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	owner := quay.RobotOwner{Namespace: a["namespace"], User: a["namespace"] == testCurrentUserName(c)}
	_, err := c.GetRobot(ctx, owner, a["name"])
	return owner.FullName(a["name"]), err
})

func testAccCheckRobotFixtureDestroy(s *terraform.State) error {
	if err := testAccCheckRobotDestroy(s); err != nil {
		return err
	}
	return testAccCheckOrganizationDestroy(s)
}

// testCurrentUserName is the token's user, or "" when Quay does not say.
func testCurrentUserName(c *quay.Client) string {
	me, err := c.GetCurrentUser(context.Background())
	if err != nil {
		return ""
	}
	return me.Username
}

// orgRobot addresses a robot of organization org through the tests' client.
func orgRobot(org string) quay.RobotOwner { return quay.RobotOwner{Namespace: org} }

// robotToken reads a robot's token as Quay has it now.
func robotToken(t *testing.T, owner quay.RobotOwner, short string) string {
	t.Helper()
	r, err := testClient(t).GetRobot(context.Background(), owner, short)
	if err != nil {
		t.Fatalf("reading robot %s: %v", owner.FullName(short), err)
	}
	if r.Token == nil || *r.Token == "" {
		t.Fatalf("Quay showed no token for robot %s", owner.FullName(short))
	}
	return *r.Token
}

func robotOrgFixture(org string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" {
  name  = %q
  email = "%s@example.com"
}
`, org, org)
}

// robotConfig is a robot "ci" of the fixture's organization; extra goes
// inside the resource block.
func robotConfig(org, extra string) string {
	return robotOrgFixture(org) + `
resource "quay_robot" "ci" {
  namespace = quay_organization.test.name
  name      = "ci"
` + extra + `
}
`
}

func TestAccRobot_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_robot.ci"
	owner := orgRobot(org)
	const github = "https://token.actions.githubusercontent.com"
	base := `  description = "pushes from CI"
  unstructured_metadata = { owner = "platform" }
`
	var tokens []string
	remember := func(*terraform.State) error {
		tokens = append(tokens, robotToken(t, owner, "ci"))
		return nil
	}
	changed := func(*terraform.State) error {
		now := robotToken(t, owner, "ci")
		if now == tokens[len(tokens)-1] {
			return fmt.Errorf("the token did not change")
		}
		tokens = append(tokens, now)
		return nil
	}
	noTokenInState := func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if slices.Contains(tokens, v) || k == "token" {
					return fmt.Errorf("%s.%s holds the robot's token", rs.Type, k)
				}
			}
		}
		return nil
	}
	federation := func(entries ...string) string {
		var b strings.Builder
		b.WriteString("  federation = [\n")
		for _, sub := range entries {
			fmt.Fprintf(&b, "    { issuer = %q, subject = %q },\n", github, sub)
		}
		b.WriteString("  ]\n")
		return b.String()
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRobotFixtureDestroy,
		Steps: []resource.TestStep{
			{
				Config:           robotConfig(org, base+"  token_version = 1\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("full_name"), knownvalue.StringExact(org+"+ci")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("pushes from CI")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("unstructured_metadata"), knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("platform")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("federation"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(remember, noTokenInState, func(*terraform.State) error {
					r, err := testClient(t).GetRobot(context.Background(), owner, "ci")
					if err != nil || r.Description != "pushes from CI" || r.UnstructuredMetadata["owner"] != "platform" {
						return fmt.Errorf("robot in Quay: %+v %v", r, err)
					}
					return nil
				}),
			},
			{ResourceName: addr, ImportState: true, ImportStateId: org + "/ci", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "full_name", ImportStateVerifyIgnore: []string{"token_version"}},
			{ResourceName: addr, ImportState: true, ImportStateId: org + "+ci", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "full_name", ImportStateVerifyIgnore: []string{"token_version"}},
			{
				// A new token_version regenerates the token in place.
				Config: robotConfig(org, base+"  token_version = 2\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(changed, noTokenInState),
			},
			{
				// Removing token_version, then federation, in place; the token stays.
				Config: robotConfig(org, base+federation("repo:acme/app:ref:refs/heads/main")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("full_name"), knownvalue.StringExact(org+"+ci")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if now := robotToken(t, owner, "ci"); now != tokens[len(tokens)-1] {
						return fmt.Errorf("the token changed without a token_version change")
					}
					return checkFederation(t, owner, "ci", "repo:acme/app:ref:refs/heads/main")
				},
			},
			{
				// Entries added outside Terraform are drift and are removed.
				PreConfig: func() {
					_, err := testClient(t).SetRobotFederation(context.Background(), owner, "ci", []quay.RobotFederation{
						{Issuer: github, Subject: "repo:acme/app:ref:refs/heads/main"},
						{Issuer: "https://gitlab.example.com", Subject: "project_path:acme/app"},
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: robotConfig(org, base+federation("repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return checkFederation(t, owner, "ci", "repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod")
				},
			},
			{
				// Quay cannot change a description: the robot is replaced,
				// with a new token, and full_name is unknown until then.
				Config: robotConfig(org, `  description = "pushes from CI, v2"
  unstructured_metadata = { owner = "platform" }
  federation = []
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("full_name")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(changed, func(*terraform.State) error {
					return checkFederation(t, owner, "ci")
				}),
			},
			{
				// Deleted outside Terraform: planned again and recreated.
				PreConfig: func() {
					if err := testClient(t).DeleteRobot(context.Background(), owner, "ci"); err != nil {
						t.Fatal(err)
					}
				},
				Config: robotConfig(org, `  description = "pushes from CI, v2"
  unstructured_metadata = { owner = "platform" }
  federation = []
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// checkFederation compares a robot's federation subjects in Quay with want.
func checkFederation(t *testing.T, owner quay.RobotOwner, short string, want ...string) error {
	got, err := testClient(t).GetRobotFederation(context.Background(), owner, short)
	if err != nil {
		return err
	}
	var subjects []string
	for _, e := range got {
		subjects = append(subjects, e.Subject)
	}
	slices.Sort(subjects)
	slices.Sort(want)
	if !slices.Equal(subjects, want) {
		return fmt.Errorf("federation subjects in Quay: %v, want %v", subjects, want)
	}
	return nil
}

// A robot replaced for a new description loses its memberships and grants
// in Quay; those that refer to its full_name are planned again and are back
// after the same apply. The robot's token then really pushes, and a robot
// with read access cannot.
func TestAccRobot_replacementKeepsMembershipsAndGrants(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	owner := orgRobot(org)
	config := func(description string) string {
		return robotOrgFixture(org) + fmt.Sprintf(`
resource "quay_team" "builders" {
  organization = quay_organization.test.name
  name         = "builders"
  role         = "member"
}
resource "quay_repository" "app" {
  namespace = quay_organization.test.name
  name      = "app"
  force_destroy = true
}
resource "quay_robot" "ci" {
  namespace   = quay_organization.test.name
  name        = "ci"
  description = %q
}
resource "quay_robot" "reader" {
  namespace = quay_organization.test.name
  name      = "reader"
}
resource "quay_org_member" "ci" {
  organization = quay_organization.test.name
  username     = quay_robot.ci.full_name
  teams        = [quay_team.builders.name]
}
resource "quay_repository_permission" "ci" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = quay_robot.ci.full_name
  role       = "write"
}
resource "quay_repository_permission" "reader" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  username   = quay_robot.reader.full_name
  role       = "read"
}
`, description)
	}
	inQuay := func(*terraform.State) error {
		c := testClient(t)
		ctx := context.Background()
		members, err := c.ListTeamMembers(ctx, org, "builders", false)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(members.Members, func(m quay.TeamMember) bool { return m.Name == org+"+ci" }) {
			return fmt.Errorf("robot %s+ci is not in team builders: %+v", org, members.Members)
		}
		p, err := c.GetRepositoryUserPermission(ctx, org, "app", org+"+ci")
		if err != nil || p.Role != "write" {
			return fmt.Errorf("grant of %s+ci on app: %+v %v", org, p, err)
		}
		return nil
	}
	pushes := func(*terraform.State) error {
		if err := pushImage(os.Getenv("QUAY_URL"), org+"+ci", robotToken(t, owner, "ci"), org+"/app", "latest"); err != nil {
			return fmt.Errorf("push with the robot's credentials: %w", err)
		}
		if err := pushImage(os.Getenv("QUAY_URL"), org+"+reader", robotToken(t, owner, "reader"), org+"/app", "sneaky"); err == nil {
			return fmt.Errorf("a robot with read access pushed")
		}
		if err := pushImage(os.Getenv("QUAY_URL"), org+"+ci", "WRONG"+strings.Repeat("X", 59), org+"/app", "wrong"); err == nil {
			return fmt.Errorf("a wrong robot token pushed")
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRobotFixtureDestroy,
		Steps: []resource.TestStep{
			{
				Config:           config("one"),
				Check:            resource.ComposeTestCheckFunc(inQuay, pushes),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: config("two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("quay_robot.ci", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("quay_org_member.ci", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("quay_repository_permission.ci", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("quay_repository_permission.reader", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(inQuay, pushes),
			},
			{ResourceName: "quay_org_member.ci", ImportState: true, ImportStateId: org + "/" + org + "+ci", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "username"},
		},
	})
}

// A robot made outside Terraform is never taken over: the create fails
// before writing and names the import; after the import the plan is empty.
func TestAccRobot_existingIsNotTakenOver(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	owner := orgRobot(org)
	var token string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRobotFixtureDestroy,
		Steps: []resource.TestStep{
			{Config: robotOrgFixture(org)},
			{
				PreConfig: func() {
					r, err := testClient(t).CreateRobot(context.Background(), owner, "ci", quay.CreateRobotRequest{Description: "made by hand"})
					if err != nil {
						t.Fatal(err)
					}
					token = *r.Token
				},
				Config:      robotConfig(org, `  description = "made by hand"`),
				ExpectError: wrappedError("Robot "+org+"+ci already exists", "terraform import quay_robot.<name> "+org+"/ci"),
			},
			{
				Config:        robotConfig(org, `  description = "made by hand"`),
				ResourceName:  "quay_robot.ci",
				ImportState:   true,
				ImportStateId: org + "/ci",
				// Nothing was written: the token is the one made by hand.
				ImportStateCheck: func([]*terraform.InstanceState) error {
					if now := robotToken(t, owner, "ci"); now != token {
						return fmt.Errorf("the refused create changed the robot's token")
					}
					return nil
				},
				ImportStatePersist: true,
			},
			{
				Config:           robotConfig(org, `  description = "made by hand"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A robot in the token's own user namespace goes through Quay's user robot
// paths; another user's namespace is refused at plan.
func TestAccRobot_userNamespace(t *testing.T) {
	me := testCurrentUser(t)
	name := strings.ReplaceAll(acctest.RandomWithPrefix("own"), "-", "")
	addr := "quay_robot.own"
	config := fmt.Sprintf(`
resource "quay_robot" "own" {
  namespace   = %q
  name        = %q
  description = "personal"
}
`, me, name)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRobotDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("full_name"), knownvalue.StringExact(me+"+"+name)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					_, err := testClient(t).GetRobot(context.Background(), quay.RobotOwner{Namespace: me, User: true}, name)
					return err
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: me + "+" + name, ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "full_name"},
		},
	})
}

func TestAccRobot_otherUsersNamespaceRefused(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	q.emu.AddUser("someone", "someone@example.com", false)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      q.provider + `resource "quay_robot" "r" {` + "\n  namespace = \"someone\"\n  name = \"ci\"\n}",
			ExpectError: wrappedError(`"someone" is a user`, "always act on the token's own user", `("admin")`),
		}},
	})
	if robots := q.emu.AllRobots(); len(robots) != 0 {
		t.Fatalf("the refused plan created robots: %v", robots)
	}
}

// Robot federation on a server too old for it is refused at plan, naming
// the version, before anything is written.
func TestAccRobot_federationNeedsNewerQuay(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Version = "3.12.4"
	q := ownEmulator(t, cfg, "admin")
	org := `resource "quay_organization" "o" {` + "\n  name = \"old\"\n  email = \"old@example.com\"\n}\n"
	robot := func(ns, federation string) string {
		return fmt.Sprintf("resource \"quay_robot\" \"r\" {\n  namespace = %s\n  name = \"ci\"\n%s}\n", ns, federation)
	}
	fed := "  federation = [{ issuer = \"https://issuer.example.com\", subject = \"main\" }]\n"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      q.provider + org + robot("quay_organization.o.name", fed),
				ExpectError: wrappedError("federation for organization robots since Quay 3.13", `"Quay 3.12.4"`),
			},
			{
				// Personal robots need 3.18.
				Config:      q.provider + robot(`"admin"`, fed),
				ExpectError: wrappedError("personal (user namespace) robots since Quay 3.18"),
			},
			{
				// Without federation, robots work on the older server.
				PreConfig: func() {
					if robots := q.emu.AllRobots(); len(robots) != 0 {
						t.Fatalf("the refused plans created robots: %v", robots)
					}
				},
				Config:           q.provider + org + robot("quay_organization.o.name", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// With ROBOTS_DISALLOW Quay refuses robot creation: the plan says so.
func TestAccRobot_robotsDisallowed(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.RobotsDisallow = true
	q := ownEmulator(t, cfg, "admin")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      q.provider + `resource "quay_robot" "r" {` + "\n  namespace = \"admin\"\n  name = \"ci\"\n}",
			ExpectError: wrappedError("ROBOTS_DISALLOW: true"),
		}},
	})
}

// A create whose answer is lost keeps the robot Quay made: no "already
// exists" on the retry, and one robot in Quay.
func TestAccRobot_lostCreateAnswer(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	url, hit := lostAnswerServer(t, q.emu, "PUT", "/api/v1/organization/lost/robots/ci")
	provider := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n  max_retries = 0\n}\n", url, q.token)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: provider + `
resource "quay_organization" "o" {
  name  = "lost"
  email = "lost@example.com"
}
resource "quay_robot" "r" {
  namespace   = quay_organization.o.name
  name        = "ci"
  description = "kept"
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if !hit.Load() {
					return fmt.Errorf("the create never went through the lossy server")
				}
				if robots := q.emu.AllRobots(); !slices.Equal(robots, []string{"lost+ci"}) {
					return fmt.Errorf("robots in Quay: %v", robots)
				}
				return nil
			},
		}},
	})
}

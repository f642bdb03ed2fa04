package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
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

func testAccCheckOrgMemberDestroy(s *terraform.State) error {
	c, err := newCheckClient()
	if err != nil {
		return err
	}
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "quay_org_member" {
			continue
		}
		org, user := rs.Primary.Attributes["organization"], rs.Primary.Attributes["username"]
		if _, err := c.GetOrgMember(context.Background(), org, user); err == nil {
			return fmt.Errorf("%s is still a member of %s", user, org)
		}
	}
	if err := testAccCheckUserDestroy(s); err != nil {
		return err
	}
	return testAccCheckOrganizationDestroy(s)
}

// memberFixture is an org with three teams and n users.
func memberFixture(org string, users int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `resource "quay_organization" "test" { name = %q }
`, org)
	for _, team := range []string{"alpha", "beta", "gamma"} {
		fmt.Fprintf(&b, `resource "quay_team" %q {
  organization = quay_organization.test.name
  name         = %q
  role         = "member"
}
`, team, team)
	}
	for i := 0; i < users; i++ {
		fmt.Fprintf(&b, `resource "quay_user" "u%d" {
  username = "%s-u%d"
  email    = "%s-u%d@example.com"
}
`, i, org, i, org, i)
	}
	return b.String()
}

func memberBlock(name string, user int, teams ...string) string {
	refs := make([]string, len(teams))
	for i, t := range teams {
		refs[i] = "quay_team." + t + ".name"
	}
	return fmt.Sprintf(`resource "quay_org_member" %q {
  organization = quay_organization.test.name
  username     = quay_user.u%d.username
  teams        = [%s]
}
`, name, user, strings.Join(refs, ", "))
}

func expectTeams(t *testing.T, org, user string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		m, err := testClient(t).GetOrgMember(context.Background(), org, user)
		if err != nil {
			return fmt.Errorf("member %s of %s: %w", user, org, err)
		}
		got := m.TeamNames()
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s is in teams %v of %s, want %v", user, got, org, want)
		}
		return nil
	}
}

func TestAccOrgMember_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	user := org + "-u0"
	addr := "quay_org_member.m"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgMemberDestroy,
		Steps: []resource.TestStep{
			{
				Config: memberFixture(org, 1) + memberBlock("m", 0, "alpha", "beta"),
				Check:  expectTeams(t, org, user, "alpha", "beta"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("teams"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("alpha"), knownvalue.StringExact("beta")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invited"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_teams"), knownvalue.SetExact([]knownvalue.Check{})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        org + "/" + user,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "username",
			},
			{
				Config: memberFixture(org, 1) + memberBlock("m", 0, "beta", "gamma"),
				Check:  expectTeams(t, org, user, "beta", "gamma"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Added to a team outside Terraform: drift that the apply undoes.
				PreConfig: func() {
					if _, err := testClient(t).AddTeamMember(context.Background(), org, "alpha", user); err != nil {
						t.Fatal(err)
					}
				},
				Config: memberFixture(org, 1) + memberBlock("m", 0, "beta", "gamma"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: expectTeams(t, org, user, "beta", "gamma"),
			},
			{
				// Removed from the org outside Terraform: recreated.
				PreConfig: func() {
					if err := testClient(t).RemoveOrgMember(context.Background(), org, user); err != nil {
						t.Fatal(err)
					}
				},
				Config: memberFixture(org, 1) + memberBlock("m", 0, "beta", "gamma"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: expectTeams(t, org, user, "beta", "gamma"),
			},
			{
				// Adding a member who already is one is not an error.
				PreConfig: func() {
					if err := testClient(t).RemoveOrgMember(context.Background(), org, user); err != nil {
						t.Fatal(err)
					}
					if _, err := testClient(t).AddTeamMember(context.Background(), org, "beta", user); err != nil {
						t.Fatal(err)
					}
				},
				Config: memberFixture(org, 1) + memberBlock("m", 0, "beta", "gamma"),
				Check:  expectTeams(t, org, user, "beta", "gamma"),
			},
		},
	})
}

// A user who is already in the organization is not taken over by a create:
// the apply fails before writing, naming the user's teams and the import
// command; after the import the plan shows exactly the team changes. The
// organization's creator (the token's user, in owners) is refused the same
// way, so its destroy never meets Quay's "only organization admin" refusal.
func TestAccOrgMember_existingMemberIsNotTakenOver(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	user := org + "-u0"
	me := testCurrentUser(t)
	addr := "quay_org_member.m"
	fixture := memberFixture(org, 1)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgMemberDestroy,
		Steps: []resource.TestStep{
			{Config: fixture},
			{
				Config: fixture + fmt.Sprintf(`
resource "quay_org_member" "creator" {
  organization = quay_organization.test.name
  username     = %q
  teams        = [quay_team.alpha.name]
}`, me),
				ExpectError: wrappedError("already exists", "is in the team(s) owners.", "terraform import quay_org_member.<name> "+org+"/"+me),
			},
			{
				PreConfig: func() {
					if _, err := testClient(t).AddTeamMember(context.Background(), org, "alpha", user); err != nil {
						t.Fatal(err)
					}
				},
				Config:      fixture + memberBlock("m", 0, "beta", "gamma"),
				ExpectError: wrappedError("already exists", "is in the team(s) alpha.", "terraform import quay_org_member.<name> "+org+"/"+user),
			},
			{
				// Nothing was written, for either user.
				Config: fixture,
				Check: resource.ComposeTestCheckFunc(
					expectTeams(t, org, user, "alpha"),
					expectTeams(t, org, me, "owners"),
				),
			},
			{
				Config:             fixture + memberBlock("m", 0, "beta", "gamma"),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      org + "/" + user,
				ImportStatePersist: true,
			},
			{
				Config: fixture + memberBlock("m", 0, "beta", "gamma"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("teams"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("beta"), knownvalue.StringExact("gamma")})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectTeams(t, org, user, "beta", "gamma"),
			},
		},
	})
}

// A team that does not exist is named in the error, not left as a bare 404.
func TestAccOrgMember_unknownTeam(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgMemberDestroy,
		Steps: []resource.TestStep{{
			Config: memberFixture(org, 1) + `
resource "quay_org_member" "m" {
  organization = quay_organization.test.name
  username     = quay_user.u0.username
  teams        = [quay_team.alpha.name, "nosuchteam"]
}`,
			ExpectError: wrappedError(`team "nosuchteam" does not exist in organization "` + org + `"`),
		}, {
			// The failed create left nothing behind.
			Config: memberFixture(org, 1),
			Check: func(*terraform.State) error {
				if _, err := testClient(t).GetOrgMember(context.Background(), org, org+"-u0"); !quay.IsNotFound(err) {
					return fmt.Errorf("user is still a member after the failed create (err %v)", err)
				}
				return nil
			},
		}},
	})
}

// TestAccOrgMember_realistic: an organization, three teams and ten members
// with overlapping teams, applied at Terraform's default parallelism of 10.
func TestAccOrgMember_realistic(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	teamsFor := func(i int) []string {
		all := []string{"alpha", "beta", "gamma"}
		var out []string
		for j, team := range all {
			if (i+j)%2 == 0 || j == i%3 {
				out = append(out, team)
			}
		}
		return out
	}
	config := memberFixture(org, 10)
	for i := 0; i < 10; i++ {
		config += memberBlock(fmt.Sprintf("m%d", i), i, teamsFor(i)...)
	}
	config += `
data "quay_org_members" "all" {
  organization = quay_organization.test.name
  depends_on   = [` + func() string {
		var refs []string
		for i := 0; i < 10; i++ {
			refs = append(refs, fmt.Sprintf("quay_org_member.m%d", i))
		}
		return strings.Join(refs, ", ")
	}() + `]
}`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrgMemberDestroy,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				members, err := testClient(t).ListOrgMembers(context.Background(), org)
				if err != nil {
					return err
				}
				got := map[string][]string{}
				for _, m := range members {
					teams := m.TeamNames()
					sort.Strings(teams)
					got[m.Name] = teams
				}
				me := testCurrentUser(t)
				if !slices.Equal(got[me], []string{"owners"}) {
					return fmt.Errorf("token user %s has teams %v", me, got[me])
				}
				delete(got, me)
				if len(got) != 10 {
					return fmt.Errorf("want 10 members besides the owner, got %d: %v", len(got), got)
				}
				for i := 0; i < 10; i++ {
					want := teamsFor(i)
					sort.Strings(want)
					if name := fmt.Sprintf("%s-u%d", org, i); !slices.Equal(got[name], want) {
						return fmt.Errorf("%s: teams %v, want %v", name, got[name], want)
					}
				}
				if n := s.RootModule().Resources["data.quay_org_members.all"].Primary.Attributes["members.#"]; n != "11" {
					return fmt.Errorf("data source lists %s members, want 11", n)
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// TestAccOrgMember_invitations runs against its own emulator with mailing
// on, where adding a newcomer to a team makes an invitation: the resource
// must show it as pending, never duplicate it, and follow its acceptance.
// Real Quay instances used for tests have mailing off, so this cannot run
// against one.
func TestAccOrgMember_invitations(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Features.Mailing = true
	emu := emulator.New(cfg)
	emu.AddUser("admin", "admin@example.com", true)
	emu.AddUser("newcomer", "newcomer@example.com", false)
	token := emu.IssueToken("admin")
	srv := httptest.NewServer(emu)
	defer srv.Close()

	provider := fmt.Sprintf(`provider "quay" {
  url   = %q
  token = %q
}
`, srv.URL, token)
	config := provider + `
resource "quay_organization" "test" { name = "invites" }
resource "quay_team" "alpha" {
  organization = quay_organization.test.name
  name         = "alpha"
  role         = "member"
}
resource "quay_team" "beta" {
  organization = quay_organization.test.name
  name         = "beta"
  role         = "member"
}
resource "quay_team" "gamma" {
  organization = quay_organization.test.name
  name         = "gamma"
  role         = "member"
}
resource "quay_org_member" "m" {
  organization = quay_organization.test.name
  username     = "newcomer"
  teams        = [quay_team.alpha.name, quay_team.%s.name]
}`
	changed := fmt.Sprintf(config, "gamma")
	config = fmt.Sprintf(config, "beta")
	addr := "quay_org_member.m"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invited"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_teams"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("alpha"), knownvalue.StringExact("beta")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if n := emu.PendingInvitations("invites"); n != 2 {
						return fmt.Errorf("pending invitations = %d, want 2", n)
					}
					return nil
				},
			},
			{
				// Applying again must not invite again.
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if n := emu.PendingInvitations("invites"); n != 2 {
						return fmt.Errorf("pending invitations after a second apply = %d, want 2", n)
					}
					return nil
				},
			},
			{
				// Changing the teams while invitations are pending: one
				// invitation withdrawn, one made, state equal to Quay's.
				Config: changed,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_teams"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("alpha"), knownvalue.StringExact("gamma")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("teams"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("alpha"), knownvalue.StringExact("gamma")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if n := emu.PendingInvitations("invites"); n != 2 {
						return fmt.Errorf("pending invitations after the change = %d, want 2", n)
					}
					return nil
				},
			},
			{
				PreConfig: func() { emu.AcceptInvitations("invites", "newcomer") },
				Config:    changed,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invited"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_teams"), knownvalue.SetExact([]knownvalue.Check{})),
				},
				Check: func(*terraform.State) error {
					got := emu.TeamMemberships("invites")
					if !slices.Equal(got["alpha"], []string{"newcomer"}) || !slices.Equal(got["gamma"], []string{"newcomer"}) || len(got["beta"]) != 0 {
						return fmt.Errorf("memberships after acceptance: %v", got)
					}
					return nil
				},
			},
		},
	})
}

func TestAccOrgMember_badInput(t *testing.T) {
	cases := []struct{ config, want string }{
		{`resource "quay_org_member" "x" {
  organization = "acme"
  username     = "someone"
  teams        = []
}`, `set must contain at least 1 elements`},
		{`resource "quay_org_member" "x" {
  organization = "acme"
  username     = "Someone"
  teams        = ["owners"]
}`, `must be a Quay user name, or a robot's full name`},
		{`resource "quay_org_member" "x" {
  organization = "acme"
  username     = "other+ci"
  teams        = ["owners"]
}`, `Quay grants robots only in their own namespace`},
		{`resource "quay_org_member" "x" {
  organization = "acme"
  username     = "someone"
  teams        = ["Owners"]
}`, `must be a valid Quay team name`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
		})
	}
}

// An unknown user fails at apply with Quay's message and leaves no membership.
func TestAccOrgMember_unknownUser(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{{
			Config: memberFixture(org, 0) + `
resource "quay_org_member" "ghost" {
  organization = quay_organization.test.name
  username     = "tfacc-no-such-user-anywhere"
  teams        = [quay_team.alpha.name, quay_team.beta.name]
}`,
			ExpectError: regexp.MustCompile(`Unknown user`),
		}},
	})
}

// A team addition that Quay applies but whose answer is lost counts as
// made: the create succeeds and the state matches Quay.
func TestAccOrgMember_lostAddAnswer(t *testing.T) {
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	em.AddUser("bob", "bob@example.com", false)
	url, hit := lostAnswerServer(t, em, http.MethodPut, "/api/v1/organization/lost/team/alpha/members/bob")
	config := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", url, em.IssueToken("admin")) +
		memberFixture("lost", 0) + `
resource "quay_org_member" "bob" {
  organization = quay_organization.test.name
  username     = "bob"
  teams        = [quay_team.alpha.name, quay_team.beta.name]
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if !hit.Load() {
					return fmt.Errorf("the team addition never came")
				}
				got := em.TeamMemberships("lost")
				if !slices.Equal(got["alpha"], []string{"bob"}) || !slices.Equal(got["beta"], []string{"bob"}) {
					return fmt.Errorf("memberships: %v", got)
				}
				return nil
			},
		}},
	})
}

package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

func syncedTeamConfig(sync string) string {
	return `
resource "quay_organization" "o" {
  name  = "synced"
  email = "synced@example.com"
}
resource "quay_team" "devs" {
  organization = quay_organization.o.name
  name         = "devs"
  role         = "member"
` + sync + `
}
`
}

// A team of an OIDC-backed Quay syncs with a group: on, to another group
// and off in place; a user cannot be added to it by hand (refused at plan).
func TestAccTeam_sync(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Features.TeamSyncing = true
	cfg.AuthenticationType = "OIDC"
	q := ownEmulator(t, cfg, "admin")
	q.emu.AddUser("dev1", "dev1@example.com", false)
	addr := "quay_team.devs"
	syncedTo := func(group string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			m, err := q.client(t).ListTeamMembers(context.Background(), "synced", "devs", false)
			if err != nil {
				return err
			}
			switch {
			case group == "" && m.Synced != nil:
				return fmt.Errorf("the team still syncs: %+v", m.Synced)
			case group != "" && (m.Synced == nil || m.Synced.Config["group_name"] != group):
				return fmt.Errorf("the team syncs with %+v, want %s", m.Synced, group)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: q.provider + syncedTeamConfig(`  sync = { group_name = "developers" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sync").AtMapKey("group_name"), knownvalue.StringExact("developers")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            syncedTo("developers"),
			},
			{ResourceName: addr, ImportState: true, ImportStateId: "synced/devs", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name"},
			{
				// Adding a user by hand is refused before any write.
				Config: q.provider + syncedTeamConfig(`  sync = { group_name = "developers" }`) + `
resource "quay_org_member" "dev1" {
  organization = quay_organization.o.name
  username     = "dev1"
  teams        = [quay_team.devs.name]
}`,
				ExpectError: wrappedError("takes its members from a directory group"),
			},
			{
				Config: q.provider + syncedTeamConfig(`  sync = { group_name = "platform" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: syncedTo("platform"),
			},
			{
				Config: q.provider + syncedTeamConfig(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: syncedTo(""),
			},
		},
	})
}

// Syncing is refused at plan without FEATURE_TEAM_SYNCING, with database
// authentication, and with the key of another backend.
func TestAccTeam_syncRefusedAtPlan(t *testing.T) {
	requireAcc(t)
	ldap := emulator.DefaultConfig()
	ldap.Features.TeamSyncing, ldap.AuthenticationType = true, "LDAP"
	database := emulator.DefaultConfig()
	database.Features.TeamSyncing = true
	off := emulator.DefaultConfig()
	off.AuthenticationType = "LDAP"
	for _, tc := range []struct {
		cfg        emulator.Config
		sync, want string
	}{
		{off, `  sync = { group_dn = "cn=devs" }`, "FEATURE_TEAM_SYNCING turned off"},
		{database, `  sync = { group_dn = "cn=devs" }`, `authenticates with "Database"`},
		{ldap, `  sync = { group_name = "devs" }`, "whose teams sync by sync.group_dn"},
		{ldap, `  sync = {}`, "Set exactly one of sync.group_dn"},
	} {
		q := ownEmulator(t, tc.cfg, "admin")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: q.provider + syncedTeamConfig(tc.sync), ExpectError: wrappedError(tc.want)}},
		})
		if orgs := q.emu.Organizations(); len(orgs) != 0 {
			t.Errorf("the refused plan created %v", orgs)
		}
	}
}

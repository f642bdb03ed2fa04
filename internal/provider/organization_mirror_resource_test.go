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

func orgMirrorConfig(extra string) string {
	return `
resource "quay_organization" "o" {
  name  = "mirrored"
  email = "mirrored@example.com"
}
resource "quay_robot" "puller" {
  namespace = quay_organization.o.name
  name      = "puller"
}
resource "quay_organization_mirror" "m" {
  organization           = quay_organization.o.name
  external_registry_type = "harbor"
  external_registry_url  = "https://harbor.example.com"
  external_namespace     = "library"
  robot_username         = quay_robot.puller.full_name
` + extra + `
}
`
}

// An organization mirror is created, changed in place, imported and
// destroyed; organization mirroring is off by default and the tests'
// Quay may not resolve the source, so this runs on an emulator of its own.
func TestAccOrganizationMirror_lifecycle(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Features.OrgMirror = true
	cfg.SSRFAllowedHosts = []string{"harbor.example.com"}
	q := ownEmulator(t, cfg, "admin")
	addr := "quay_organization_mirror.m"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: q.provider + orgMirrorConfig(`  sync_interval = 3600`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sync_status"), knownvalue.StringExact("NEVER_RUN")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: "mirrored", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "organization"},
			{
				Config: q.provider + orgMirrorConfig(`  sync_interval      = 7200
  visibility         = "public"
  repository_filters = ["app-*"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					m, err := q.client(t).GetOrgMirror(context.Background(), "mirrored")
					if err != nil || m.SyncInterval != 7200 || m.Visibility != "public" || len(m.RepositoryFilters) != 1 {
						return fmt.Errorf("mirror in Quay: %+v %v", m, err)
					}
					return nil
				},
			},
			{
				Config:  q.provider + orgMirrorConfig(`  sync_interval = 7200`),
				Destroy: true,
			},
		},
	})
	if m := q.emu.AllOrgMirrors(); len(m) != 0 {
		t.Errorf("organization mirrors left: %v", m)
	}
}

// Without FEATURE_ORG_MIRROR, or on Quay before 3.17, the plan refuses it.
func TestAccOrganizationMirror_notServed(t *testing.T) {
	requireAcc(t)
	old := emulator.DefaultConfig()
	old.Version = "3.16.1"
	for _, tc := range []struct {
		cfg  emulator.Config
		want string
	}{{emulator.DefaultConfig(), "FEATURE_ORG_MIRROR turned off"}, {old, "since Quay 3.17"}} {
		q := ownEmulator(t, tc.cfg, "admin")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: q.provider + orgMirrorConfig(`  sync_interval = 3600`), ExpectError: wrappedError(tc.want)}},
		})
		if orgs := q.emu.Organizations(); len(orgs) != 0 {
			t.Errorf("the refused plan created %v", orgs)
		}
	}
}

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Resource identity needs Terraform 1.12+ or OpenTofu 1.12+; older CLIs
// neither send nor store identities, so these tests skip there.
var identityVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

func TestAccOrganization_identity(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	addr := "quay_organization.test"
	config := fmt.Sprintf(`resource "quay_organization" "test" {
  name             = %q
  tag_expiration_s = 86400
}`, name)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"name": knownvalue.StringExact(name)}),
				},
			},
			{
				ResourceName:    addr,
				Config:          config,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    addr,
				Config:          config,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   name,
			},
		},
	})
}

// identityCase is a resource whose identity must round-trip through
// import blocks, by identity and by ID.
type identityCase struct {
	name     string
	config   func(prefix string) string
	addr     string
	identity func(prefix string) map[string]knownvalue.Check
	importID func(prefix string) string
}

var identityCases = []identityCase{
	{
		name:   "team",
		config: func(p string) string { return teamConfig(p, "builders", "member", "") },
		addr:   "quay_team.test",
		identity: func(p string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"organization": knownvalue.StringExact(p), "name": knownvalue.StringExact("builders")}
		},
		importID: func(p string) string { return p + "/builders" },
	},
	{
		name:   "user",
		config: func(p string) string { return fmt.Sprintf(`resource "quay_user" "test" { username = %q }`, p) },
		addr:   "quay_user.test",
		identity: func(p string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"username": knownvalue.StringExact(p)}
		},
		importID: func(p string) string { return p },
	},
	{
		name:   "org member",
		config: func(p string) string { return memberFixture(p, 1) + memberBlock("m", 0, "alpha") },
		addr:   "quay_org_member.m",
		identity: func(p string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"organization": knownvalue.StringExact(p), "username": knownvalue.StringExact(p + "-u0")}
		},
		importID: func(p string) string { return p + "/" + p + "-u0" },
	},
	{
		name:   "repository",
		config: func(p string) string { return repositoryConfig(p, "team/app", "") },
		addr:   "quay_repository.test",
		identity: func(p string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"namespace": knownvalue.StringExact(p), "name": knownvalue.StringExact("team/app")}
		},
		importID: func(p string) string { return p + "/team/app" },
	},
	{
		name:   "robot",
		config: func(p string) string { return robotConfig(p, `  description = "identity"`) },
		addr:   "quay_robot.ci",
		identity: func(p string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"namespace": knownvalue.StringExact(p), "name": knownvalue.StringExact("ci")}
		},
		importID: func(p string) string { return p + "+ci" },
	},
	{
		name:   "proxy cache",
		config: func(p string) string { return proxyConfig(p, fmt.Sprintf("  upstream_registry = %q", testUpstream())) },
		addr:   "quay_proxy_cache.test",
		identity: func(p string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"organization": knownvalue.StringExact(p)}
		},
		importID: func(p string) string { return p },
	},
}

func TestAccIdentity_allResources(t *testing.T) {
	for _, tc := range identityCases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := acctest.RandomWithPrefix("tfacc")
			config := tc.config(prefix)
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   identityVersionChecks,
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             testAccCheckOrgMemberDestroy,
				Steps: []resource.TestStep{
					{Config: config, ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(tc.addr, tc.identity(prefix))}},
					{ResourceName: tc.addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
					{ResourceName: tc.addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: tc.importID(prefix)},
				},
			})
		})
	}
}

// The application's client_id is made by Quay, so its identity is checked
// against the value in state.
func TestAccIdentity_oauthApplication(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	config := applicationConfig(org, `  name = "ci"`)
	addr := "quay_oauth_application.test"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckApplicationDestroy,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("client_id")),
				statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("organization")),
			}},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateIdFunc: orgImportID(addr, "client_id")},
		},
	})
}

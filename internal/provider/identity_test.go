package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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

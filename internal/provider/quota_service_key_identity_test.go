package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Import by identity and by import block (Terraform/OpenTofu 1.12+).

func TestAccQuota_identity(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_quota.test"
	// limit_bytes, not limit: an import cannot know a size's spelling.
	config := quotaConfig(org, `
  limit_bytes = 1073741824
  limits      = [{ type = "Warning", threshold_percent = 80 }]`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckQuotaDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"namespace": knownvalue.StringExact(org)}),
				},
			},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: org},
		},
	})
}

func TestAccServiceKey_identity(t *testing.T) {
	service := "tfacc_" + acctest.RandString(8)
	addr := "quay_service_key.test"
	config := serviceKeyConfig(fmt.Sprintf(`
  service  = %q
  name     = "identity"
  metadata = { team = "platform" }`, service))
	var kid string
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServiceKeyDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"kid": knownvalue.NotNull()}),
				},
				Check: func(s *terraform.State) error {
					kid = s.RootModule().Resources[addr].Primary.Attributes["kid"]
					return nil
				},
			},
			{ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{
				ResourceName: addr, Config: config, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return kid, nil },
			},
		},
	})
}

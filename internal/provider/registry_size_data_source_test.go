package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestAccRegistrySizeDataSource reads whatever the instance last computed:
// on a real Quay the figures are unknown in advance, so only their form is
// checked.
func TestAccRegistrySizeDataSource(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "quay_registry_size" "x" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_registry_size.x", tfjsonpath.New("size_bytes"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.quay_registry_size.x", tfjsonpath.New("queued"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.quay_registry_size.x", tfjsonpath.New("running"), knownvalue.NotNull()),
			},
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["data.quay_registry_size.x"].Primary.Attributes
				if v, ok := attrs["last_ran"]; ok && v != "" {
					if _, err := time.Parse(time.RFC3339, v); err != nil {
						return fmt.Errorf("last_ran %q is not RFC 3339: %v", v, err)
					}
				}
				return nil
			},
		}},
	})
}

// TestAccRegistrySizeDataSource_fields sets the size on an emulator of its
// own: never computed first, then a finished computation with another one
// running.
func TestAccRegistrySizeDataSource_fields(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	addr := "data.quay_registry_size.x"
	config := q.provider + `data "quay_registry_size" "x" {}`
	done := time.Date(2026, 8, 21, 16, 2, 54, 123e6, time.UTC)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("size_bytes"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_ran"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("queued"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("running"), knownvalue.Bool(false)),
				},
			},
			{
				PreConfig: func() { q.emu.SetRegistrySize(5<<40, done, false, true) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("size_bytes"), knownvalue.Int64Exact(5<<40)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_ran"), knownvalue.StringExact("2026-08-21T16:02:54.123Z")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("queued"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("running"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

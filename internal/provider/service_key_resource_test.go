package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func serviceKeyConfig(body string) string {
	return "resource \"quay_service_key\" \"test\" {\n" + body + "\n}"
}

func TestAccServiceKey_lifecycle(t *testing.T) {
	service := "tfacc_" + acctest.RandString(8)
	addr := "quay_service_key.test"
	in2d := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	in3d := in2d.Add(24 * time.Hour).In(time.FixedZone("", 2*3600)) // another zone, same instant kept
	kidSame := statecheck.CompareValue(compare.ValuesSame())
	kidDiffers := statecheck.CompareValue(compare.ValuesDiffer())
	me := testCurrentUser(t)
	var kid string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServiceKeyDestroy,
		Steps: []resource.TestStep{
			{
				Config: serviceKeyConfig(fmt.Sprintf(`
  service    = %q
  name       = "build signer: ci/1"
  expiration = %q
  metadata   = { team = "platform" }
  notes      = "made by Terraform"`, service, in2d.Format(time.RFC3339))),
				ConfigStateChecks: []statecheck.StateCheck{
					kidSame.AddStateValue(addr, tfjsonpath.New("kid")),
					kidDiffers.AddStateValue(addr, tfjsonpath.New("kid")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kid"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("private_key"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_key"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN PUBLIC KEY-----`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration"), knownvalue.StringExact(in2d.Format(time.RFC3339))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("platform")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("approved"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("approval_type"), knownvalue.StringExact("ServiceKeyApprovalType.SUPERUSER")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("approver"), knownvalue.StringExact(me)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("notes"), knownvalue.StringExact("made by Terraform")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_date"), knownvalue.StringRegexp(regexp.MustCompile(`Z$`))),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					kid = s.RootModule().Resources[addr].Primary.Attributes["kid"]
					k, err := testClient(t).GetServiceKey(context.Background(), kid)
					if err != nil {
						return err
					}
					// Quay's own entries exist but do not show up as drift.
					if k.Metadata["created_by"] == nil || k.Metadata["creator"] == nil {
						return fmt.Errorf("expected Quay's own metadata entries, got %v", k.Metadata)
					}
					return nil
				},
			},
			{
				// The private key cannot be imported: Quay never returns it again.
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateIdFunc:                    func(*terraform.State) (string, error) { return kid, nil },
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "kid",
				ImportStateVerifyIgnore:              []string{"private_key"},
			},
			{
				// Name, expiration and new metadata change in place.
				Config: serviceKeyConfig(fmt.Sprintf(`
  service    = %q
  name       = "renamed"
  expiration = %q
  metadata   = { team = "platform", owner = "sre" }
  notes      = "made by Terraform"`, service, in3d.Format(time.RFC3339))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					kidSame.AddStateValue(addr, tfjsonpath.New("kid")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("renamed")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration"), knownvalue.StringExact(in3d.Format(time.RFC3339))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("private_key"), knownvalue.NotNull()),
				},
			},
			{
				// Removing expiration clears it; changing a metadata value updates it.
				Config: serviceKeyConfig(fmt.Sprintf(`
  service  = %q
  name     = "renamed"
  metadata = { team = "storage", owner = "sre" }
  notes    = "made by Terraform"`, service)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					kidSame.AddStateValue(addr, tfjsonpath.New("kid")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("storage"), "owner": knownvalue.StringExact("sre"),
					})),
				},
				Check: func(*terraform.State) error {
					k, err := testClient(t).GetServiceKey(context.Background(), kid)
					if err != nil {
						return err
					}
					if k.ExpirationDate != nil {
						return fmt.Errorf("expiration still set in Quay: %s", *k.ExpirationDate)
					}
					return nil
				},
			},
			{
				// Quay cannot delete a metadata entry: removing one replaces the key.
				Config: serviceKeyConfig(fmt.Sprintf(`
  service  = %q
  name     = "renamed"
  metadata = { team = "storage" }
  notes    = "made by Terraform"`, service)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					kidDiffers.AddStateValue(addr, tfjsonpath.New("kid")),
				},
			},
			{
				// A new service replaces the key.
				Config: serviceKeyConfig(fmt.Sprintf(`
  service  = "%s_b"
  name     = "renamed"
  metadata = { team = "storage" }
  notes    = "made by Terraform"`, service)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(s *terraform.State) error {
					kid = s.RootModule().Resources[addr].Primary.Attributes["kid"]
					return nil
				},
			},
			{
				// Deleted outside Terraform: the next plan creates it again.
				PreConfig: func() {
					if err := testClient(t).DeleteServiceKey(context.Background(), kid); err != nil {
						t.Fatalf("deleting service key behind Terraform's back: %v", err)
					}
				},
				Config: serviceKeyConfig(fmt.Sprintf(`
  service  = "%s_b"
  name     = "renamed"
  metadata = { team = "storage" }
  notes    = "made by Terraform"`, service)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccServiceKey_expiredKeyVanishes ages a key past Quay's 7-day
// retention of expired keys; the next plan creates a new one.
func TestAccServiceKey_expiredKeyVanishes(t *testing.T) {
	if testEmulator == nil {
		t.Skip("needs the emulator's clock hook; a real Quay would take 7 days")
	}
	service := "tfacc_" + acctest.RandString(8)
	addr := "quay_service_key.test"
	cfg := serviceKeyConfig(fmt.Sprintf(`  service = %q`, service))
	var kid string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServiceKeyDestroy,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					kid = s.RootModule().Resources[addr].Primary.Attributes["kid"]
					return nil
				},
			},
			{
				// Expired one day ago: still there, nothing to do.
				PreConfig: func() { testEmulator.SetServiceKeyExpiration(kid, time.Now().Add(-24*time.Hour)) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration"), knownvalue.Null()),
				},
			},
			{
				// Expired eight days ago: gone from Quay, so planned anew.
				PreConfig: func() { testEmulator.SetServiceKeyExpiration(kid, time.Now().Add(-8*24*time.Hour)) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccServiceKey_badInput(t *testing.T) {
	cases := []struct {
		attrs string
		want  string
	}{
		{`service = "Bad-Service"`, `must contain only lowercase letters, digits and '_'`},
		{`service = ""`, `must contain only lowercase letters`},
		{`service = "ok"` + "\n" + `name = "semi;colon"`, `may contain only letters, digits, whitespace`},
		{`service = "ok"` + "\n" + `expiration = "2001-01-01T00:00:00Z"`, `Expiration is in the past`},
		{`service = "ok"` + "\n" + `expiration = "tomorrow"`, `must be an RFC 3339 timestamp`},
		{`service = "ok"` + "\n" + `metadata = { creator = "me" }`, `metadata key "creator" is reserved`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      serviceKeyConfig(tc.attrs),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
}

func TestAccServiceKeyDataSources(t *testing.T) {
	service := "tfacc_" + acctest.RandString(8)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServiceKeyDestroy,
		Steps: []resource.TestStep{
			{
				Config: serviceKeyConfig(fmt.Sprintf(`
  service  = %q
  name     = "one"
  metadata = { team = "platform" }`, service)) + fmt.Sprintf(`
data "quay_service_key" "test" {
  kid = quay_service_key.test.kid
}
data "quay_service_keys" "mine" {
  service    = %q
  depends_on = [quay_service_key.test]
}
data "quay_service_keys" "all" {
  depends_on = [quay_service_key.test]
}`, service),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.quay_service_key.test", tfjsonpath.New("public_key"), "quay_service_key.test", tfjsonpath.New("public_key"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.quay_service_key.test", tfjsonpath.New("service"), knownvalue.StringExact(service)),
					statecheck.ExpectKnownValue("data.quay_service_key.test", tfjsonpath.New("metadata"), knownvalue.MapPartial(map[string]knownvalue.Check{
						"team":       knownvalue.StringExact("platform"),
						"created_by": knownvalue.NotNull(),
						"creator":    knownvalue.NotNull(),
					})),
					statecheck.ExpectKnownValue("data.quay_service_keys.mine", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"service": knownvalue.StringExact(service), "name": knownvalue.StringExact("one")}),
					})),
				},
				// The unfiltered list includes Quay's own instance key(s).
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources["data.quay_service_keys.all"].Primary.Attributes
					for k, v := range attrs {
						if regexp.MustCompile(`^keys\.\d+\.service$`).MatchString(k) && v == "quay" {
							return nil
						}
					}
					return fmt.Errorf("no key of service quay among %s keys", attrs["keys.#"])
				},
			},
			{
				Config:      `data "quay_service_key" "test" { kid = "no-such-kid" }`,
				ExpectError: regexp.MustCompile(`Unable to read service key "no-such-kid"`),
			},
		},
	})
}

var testAccCheckServiceKeyDestroy = checkDestroyed("quay_service_key", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	_, err := c.GetServiceKey(ctx, a["kid"])
	return a["kid"], err
})

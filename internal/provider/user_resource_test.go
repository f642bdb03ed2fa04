package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var testAccCheckUserDestroy = checkDestroyed("quay_user", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	_, err := c.GetUser(ctx, a["username"])
	return a["username"], err
})

// Write-only attributes need Terraform 1.11+.
var writeOnlyVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

func TestAccUser_lifecycle(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	addr := "quay_user.test"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "quay_user" "test" {
  username = %q
  email    = "%s@example.com"
}`, name, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact(name+"@example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("superuser"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("generated_password"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z0-9]{32}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_wo"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "username",
				// Quay returns the generated password only at creation.
				ImportStateVerifyIgnore: []string{"generated_password"},
			},
			{
				// Disable, change the e-mail and set a password in place.
				Config: fmt.Sprintf(`
resource "quay_user" "test" {
  username            = %q
  email               = "%s-new@example.com"
  enabled             = false
  password_wo         = "correct-horse-battery"
  password_wo_version = 1
}`, name, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact(name+"-new@example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
					// The generated password is history; it is not erased.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("generated_password"), knownvalue.NotNull()),
				},
			},
			{
				// Deleted outside Terraform: the next plan recreates it. The
				// user is disabled, so it is re-enabled before the delete.
				PreConfig: func() {
					c := testClient(t)
					u, err := c.GetUser(context.Background(), name)
					if err != nil || u.Enabled {
						t.Fatalf("user should exist, disabled: %+v %v", u, err)
					}
					if err := c.DeleteUser(context.Background(), name); err != nil {
						t.Fatalf("delete: %v", err)
					}
					// Quay keeps a disabled user despite the 204.
					if _, err := c.GetUser(context.Background(), name); err != nil {
						t.Fatalf("a disabled user should survive DELETE: %v", err)
					}
				},
				Config: fmt.Sprintf(`
resource "quay_user" "test" {
  username            = %q
  email               = "%s-new@example.com"
  enabled             = false
  password_wo         = "correct-horse-battery"
  password_wo_version = 1
}`, name, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccUser_createWithPassword(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersionChecks,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "quay_user" "test" {
  username            = %q
  password_wo         = "s3cret-passw0rd"
  password_wo_version = 1
}`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("quay_user.test", tfjsonpath.New("generated_password"), knownvalue.Null()),
					statecheck.ExpectKnownValue("quay_user.test", tfjsonpath.New("email"), knownvalue.NotNull()),
				},
			},
			{
				// Deleted outside Terraform while enabled: recreated.
				PreConfig: func() {
					if err := testClient(t).DeleteUser(context.Background(), name); err != nil {
						t.Fatal(err)
					}
				},
				Config: fmt.Sprintf(`
resource "quay_user" "test" {
  username            = %q
  password_wo         = "s3cret-passw0rd"
  password_wo_version = 1
}`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("quay_user.test", plancheck.ResourceActionCreate)}},
			},
		},
	})
}

func TestAccUser_superuserIsRefused(t *testing.T) {
	me := testCurrentUser(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             fmt.Sprintf(`resource "quay_user" "me" { username = %q }`, me),
				ResourceName:       "quay_user.me",
				ImportState:        true,
				ImportStateId:      me,
				ImportStatePersist: true,
			},
			{
				Config: fmt.Sprintf(`
resource "quay_user" "me" {
  username = %q
  enabled  = false
}`, me),
				ExpectError: regexp.MustCompile(`Cannot update superuser`),
			},
			{
				Config:      `# the superuser is no longer configured`,
				ExpectError: regexp.MustCompile(`Cannot delete superuser`),
			},
			{
				// Forget it without destroying it.
				Config: `
removed {
  from = quay_user.me
  lifecycle {
    destroy = false
  }
}`,
			},
		},
	})
}

func TestAccUserDataSources(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserDestroy,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "quay_user" "off" {
  username = "%s-off"
  email    = "%s-off@example.com"
  enabled  = false
}
data "quay_user" "off" { username = quay_user.off.username }
data "quay_users" "disabled" {
  enabled    = false
  depends_on = [quay_user.off]
}
data "quay_users" "enabled" {
  enabled    = true
  depends_on = [quay_user.off]
}`, name, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_user.off", tfjsonpath.New("email"), knownvalue.StringExact(name+"-off@example.com")),
				statecheck.ExpectKnownValue("data.quay_user.off", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.quay_users.disabled", tfjsonpath.New("users"), knownvalue.ListPartial(map[int]knownvalue.Check{})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckTypeSetElemNestedAttrs("data.quay_users.disabled", "users.*", map[string]string{"username": name + "-off", "enabled": "false"}),
				func(s *terraform.State) error {
					attrs := s.RootModule().Resources["data.quay_users.enabled"].Primary.Attributes
					for k, v := range attrs {
						if v == name+"-off" {
							return fmt.Errorf("disabled user listed among enabled users (%s)", k)
						}
					}
					return nil
				},
			),
		}},
	})
}

func TestAccUser_badInput(t *testing.T) {
	cases := []struct{ config, want string }{
		{`resource "quay_user" "x" { username = "Bad.Name" }`, `must be a valid Quay user name`},
		{`resource "quay_user" "x" {
  username            = "tfacc-ok"
  password_wo         = "short"
  password_wo_version = 1
}`, `at least 8 characters long and contain\s+no\s+whitespace`},
		{`resource "quay_user" "x" {
  username            = "tfacc-ok"
  password_wo         = "has a space"
  password_wo_version = 1
}`, `at least 8 characters long and contain\s+no\s+whitespace`},
		{`resource "quay_user" "x" {
  username    = "tfacc-ok"
  password_wo = "long-enough-password"
}`, `password_wo_version`},
		{`resource "quay_user" "x" {
  username = "tfacc-ok"
  email    = "nobody"
}`, `Invalid e-mail address`},
	}
	for _, tc := range cases {
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   writeOnlyVersionChecks,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
		})
	}
}

// TestAccUser_rollbackOfDisabledUser covers a create whose second step,
// disabling the new user, is applied by Quay but answered with a 500. The
// rollback must not trust Quay's 204 for deleting a now disabled user (it
// keeps it): the user must be gone, so that the next apply can create it.
// TestAccUser_replaceKeepsName: see testAccReplaceKeepsName.
func TestAccUser_replaceKeepsName(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	addr := "quay_user.test"
	testAccReplaceKeepsName(t, addr, fmt.Sprintf(`
resource "quay_user" "test" {
  username = %q
  email    = "%s@example.com"
}`, name, name), testAccCheckUserDestroy,
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact(name+"@example.com")),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("generated_password"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z0-9]{32}$`))))
}

func TestAccUser_rollbackOfDisabledUser(t *testing.T) {
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	name := acctest.RandomWithPrefix("tfacc")
	url, failed := lostAnswerServer(t, em, http.MethodPut, "/api/v1/superuser/users/"+name)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "quay" {
  url   = %q
  token = %q
}
resource "quay_user" "test" {
  username = %q
  email    = "%s@example.com"
  enabled  = false
}`, url, em.IssueToken("admin"), name, name),
			ExpectError: regexp.MustCompile(`Unable to set the password or enabled flag of new user`),
		}},
	})
	if !failed.Load() {
		t.Fatal("the disabling PUT was never made")
	}
	if slices.Contains(em.Users(), name) {
		t.Errorf("user %q was left behind by the rolled-back create", name)
	}
}

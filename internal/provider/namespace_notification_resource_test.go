package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func namespaceNotificationConfig(org, method, config string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" {
  name  = %q
  email = "%s@example.com"
}
resource "quay_namespace_notification" "quota" {
  organization = quay_organization.test.name
  event        = "quota_warning"
  method       = %q
  config       = %s
}
`, org, org, method, config)
}

func TestAccNamespaceNotification_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_namespace_notification.quota"
	inQuay := func(method string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			list, err := testClient(t).ListNamespaceNotifications(context.Background(), quay.NotificationOwner{Namespace: org})
			if err != nil {
				return err
			}
			if len(list) != 1 || list[0].Method != method || list[0].Event != "quota_warning" {
				return fmt.Errorf("notifications in Quay: %+v, want one %s", list, method)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				Config:           namespaceNotificationConfig(org, "email", "{}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            inQuay("email"),
			},
			{ResourceName: addr, ImportState: true, ImportStateIdFunc: policyImportID(addr, "organization"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
			{
				// No update in Quay: a new method replaces it.
				Config: namespaceNotificationConfig(org, "webhook", `{ url = "https://hooks.example.com/quota" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: inQuay("webhook"),
			},
		},
	})
}

// Without FEATURE_QUOTA_NOTIFICATIONS the plan refuses it, naming the flag;
// another user's namespace is refused too.
func TestAccNamespaceNotification_refusedAtPlan(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Features.QuotaNotifications = false
	off := ownEmulator(t, cfg, "admin")
	on := ownEmulator(t, emulator.DefaultConfig(), "admin")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      off.provider + namespaceNotificationConfig("quota", "email", "{}"),
				ExpectError: wrappedError("FEATURE_QUOTA_NOTIFICATIONS turned off"),
			},
			{
				Config: on.provider + `resource "quay_namespace_notification" "n" {
  user_namespace = "someone"
  event          = "quota_error"
  method         = "email"
  config         = {}
}`,
				ExpectError: wrappedError(`act on the token's own user ("admin")`),
			},
		},
	})
	if n := off.emu.AllNotifications(); len(n) != 0 {
		t.Errorf("the refused plan created notifications: %v", n)
	}
}

package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

func notificationTestConfig(org, title, extra string) string {
	return pushedRepository(org) + fmt.Sprintf(`
resource "quay_team" "ops" {
  organization = quay_organization.test.name
  name         = "ops"
  role         = "member"
}
resource "quay_repository_notification" "hook" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  event      = "repo_push"
  method     = "webhook"
  title      = %q
  config     = { url = "https://hooks.example.com/quay?token=s3cret" }
%s
}
resource "quay_repository_notification" "team" {
  repository   = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  event        = "repo_image_expiry"
  method       = "quay_notification"
  config       = { target_kind = "team", target_name = quay_team.ops.name }
  event_config = { days = 7 }
}
data "quay_repository_notifications" "all" {
  repository = quay_repository_notification.team.repository
  depends_on = [quay_repository_notification.hook]
}
`, title, extra)
}

func TestAccRepositoryNotification_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	hook := "quay_repository_notification.hook"
	var firstUUID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: notificationTestConfig(org, "pushes", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hook, tfjsonpath.New("number_of_failures"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("quay_repository_notification.team", tfjsonpath.New("event_config").AtMapKey("days"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue("data.quay_repository_notifications.all", tfjsonpath.New("notifications"), knownvalue.ListSizeExact(2)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					firstUUID = s.RootModule().Resources[hook].Primary.Attributes["uuid"]
					n, err := testClient(t).GetNotification(context.Background(), org, "app", firstUUID)
					if err != nil {
						return err
					}
					if n.Config["url"] != "https://hooks.example.com/quay?token=s3cret" || n.Event != "repo_push" || n.Title == nil || *n.Title != "pushes" {
						return fmt.Errorf("notification in Quay: %+v", n)
					}
					team, err := testClient(t).ListNotifications(context.Background(), org, "app")
					if err != nil || len(team) != 2 {
						return fmt.Errorf("notifications in Quay: %v %v", team, err)
					}
					return nil
				},
			},
			{ResourceName: hook, ImportState: true, ImportStateIdFunc: func(*terraform.State) (string, error) { return org + "/app/" + firstUUID, nil }, ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
			{ResourceName: "quay_repository_notification.team", ImportState: true, ImportStateIdFunc: policyImportID("quay_repository_notification.team", "repository"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
			{
				// Quay has no update: a new title replaces the notification.
				Config: notificationTestConfig(org, "every push", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(hook, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					if s.RootModule().Resources[hook].Primary.Attributes["uuid"] == firstUUID {
						return fmt.Errorf("the notification kept its uuid")
					}
					return nil
				},
			},
			{
				// Deleted outside Terraform: made again.
				PreConfig: func() {
					list, err := testClient(t).ListNotifications(context.Background(), org, "app")
					if err != nil {
						t.Fatal(err)
					}
					for _, n := range list {
						if n.Method == "webhook" {
							if err := testClient(t).DeleteNotification(context.Background(), org, "app", n.UUID); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				Config: notificationTestConfig(org, "every push", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(hook, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Failures counted by Quay's worker are no drift; reset_version sets them
// back to zero in place. The failures are made by the emulator.
func TestAccRepositoryNotification_reset(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	hook := "quay_repository_notification.hook"
	var uuid string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: q.provider + notificationTestConfig("notify", "pushes", ""),
				Check: func(s *terraform.State) error {
					uuid = s.RootModule().Resources[hook].Primary.Attributes["uuid"]
					q.emu.FailNotification(uuid, 3)
					return nil
				},
			},
			{
				// Three failures: Quay stopped sending it, and no plan shows that as a change.
				Config:           q.provider + notificationTestConfig("notify", "pushes", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hook, tfjsonpath.New("number_of_failures"), knownvalue.Int64Exact(3)),
				},
			},
			{
				// Setting reset_version the first time resets nothing.
				Config: q.provider + notificationTestConfig("notify", "pushes", "  reset_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(hook, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hook, tfjsonpath.New("number_of_failures"), knownvalue.Int64Exact(3)),
				},
			},
			{
				Config: q.provider + notificationTestConfig("notify", "pushes", "  reset_version = 2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(hook, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hook, tfjsonpath.New("number_of_failures"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(hook, tfjsonpath.New("uuid"), knownvalue.StringFunc(func(v string) error {
						if v != uuid {
							return fmt.Errorf("the reset replaced the notification")
						}
						return nil
					})),
				},
			},
		},
	})
}

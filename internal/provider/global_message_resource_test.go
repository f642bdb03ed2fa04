package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func globalMessageConfig(content, severity string) string {
	return fmt.Sprintf(`
resource "quay_global_message" "m" {
  content  = %q
  severity = %q
}
data "quay_global_messages" "all" {
  depends_on = [quay_global_message.m]
}
`, content, severity)
}

// messageIn finds a message in Quay by content.
func messageIn(t *testing.T, content string) *quay.GlobalMessage {
	t.Helper()
	list, err := testClient(t).ListGlobalMessages(context.Background())
	if err != nil {
		t.Fatalf("listing messages: %v", err)
	}
	i := slices.IndexFunc(list, func(m quay.GlobalMessage) bool { return m.Content == content })
	if i < 0 {
		return nil
	}
	return &list[i]
}

func TestAccGlobalMessage_lifecycle(t *testing.T) {
	text := "Maintenance on Saturday " + acctest.RandString(8)
	addr := "quay_global_message.m"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if m := messageIn(t, text); m != nil {
				return fmt.Errorf("message still in Quay: %+v", m)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:           globalMessageConfig(text, "warning"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					m := messageIn(t, text)
					if m == nil || m.Severity != "warning" || m.MediaType != "text/markdown" || m.UUID != s.RootModule().Resources[addr].Primary.Attributes["uuid"] {
						return fmt.Errorf("message in Quay: %+v", m)
					}
					for k, v := range s.RootModule().Resources["data.quay_global_messages.all"].Primary.Attributes {
						if v == m.UUID && k != "" {
							return nil
						}
					}
					return fmt.Errorf("the data source does not list the message")
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateIdFunc: func(s *terraform.State) (string, error) {
				return s.RootModule().Resources[addr].Primary.Attributes["uuid"], nil
			}, ImportStateVerifyIdentifierAttribute: "uuid"},
			{
				// No update in Quay: a new severity replaces the message.
				Config: globalMessageConfig(text, "error"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Deleted outside Terraform: made again.
				PreConfig: func() {
					if m := messageIn(t, text); m != nil {
						if err := testClient(t).DeleteGlobalMessage(context.Background(), m.UUID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: globalMessageConfig(text, "error"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

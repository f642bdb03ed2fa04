package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

var exampleVariable = regexp.MustCompile(`(?m)^variable "([a-z0-9_]+)"`)

// TestAccExamples applies every resource example of the docs as written, on
// an empty emulator of its own (the examples use fixed names), checks that
// the next plan is empty, and destroys it. An example that needs an object
// it does not create fails here. Variables the examples declare get random
// values, as a user would pass them.
func TestAccExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/resources/*/resource.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found (%v)", err)
	}
	for _, file := range files {
		typ := filepath.Base(filepath.Dir(file))
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			emu := emulator.New(emulator.DefaultConfig())
			emu.AddUser("admin", "admin@example.com", true)
			srv := httptest.NewServer(emu)
			t.Cleanup(srv.Close)
			vars := config.Variables{}
			for _, m := range exampleVariable.FindAllStringSubmatch(string(body), -1) {
				vars[m[1]] = config.StringVariable("example-" + acctest.RandString(16))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   writeOnlyVersionChecks,
				CheckDestroy: func(*terraform.State) error {
					left := emu.Organizations()
					for _, k := range emu.ServiceKeys() {
						if !strings.HasPrefix(k, "quay/") { // Quay's own instance key
							left = append(left, k)
						}
					}
					for _, u := range emu.Users() {
						if u != "admin" {
							left = append(left, u)
						}
					}
					if len(left) != 0 {
						return fmt.Errorf("left after destroy: %v", left)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, emu.IssueToken("admin")) +
						string(body),
					ConfigVariables: vars,
					Check: func(s *terraform.State) error {
						if len(s.RootModule().Resources) == 0 {
							return fmt.Errorf("the example of %s made no resources", typ)
						}
						return nil
					},
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				}},
			})
		})
	}
}

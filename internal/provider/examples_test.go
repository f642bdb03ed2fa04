package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// exampleServers turn on what an example needs of the server beyond the
// tests' install (a feature Quay ships off).
var exampleServers = map[string]func(*emulator.Config){
	"quay_organization_mirror": func(c *emulator.Config) {
		c.Features.OrgMirror = true
		c.SSRFAllowedHosts = []string{"harbor.example.com"} // no DNS here
	},
}

// exampleFixtures prepare what an example finds in Quay (the images CI
// pushed, say) and return the organizations they made.
var exampleFixtures = map[string]func(t *testing.T, url, token string) []string{
	"quay_tag": func(t *testing.T, url, token string) []string {
		// A push creates the repository; the organization must exist.
		c, err := quay.New(url, quay.WithToken(token))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: "platform", Email: "platform@example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := pushImage(url, "$oauthtoken", token, "platform/app", "build-42"); err != nil {
			t.Fatal(err)
		}
		return []string{"platform"}
	},
}

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
			cfg := emulator.DefaultConfig()
			if tweak := exampleServers[typ]; tweak != nil {
				tweak(&cfg)
			}
			emu := emulator.New(cfg)
			emu.AddUser("admin", "admin@example.com", true)
			srv := httptest.NewServer(emu)
			t.Cleanup(srv.Close)
			emu.SetBaseURL(srv.URL)
			token := emu.IssueToken("admin")
			// What an example expects to find already there; it stays.
			var fixtureOrgs []string
			if fixture := exampleFixtures[typ]; fixture != nil {
				fixtureOrgs = fixture(t, srv.URL, token)
			}
			vars := config.Variables{}
			for _, m := range exampleVariable.FindAllStringSubmatch(string(body), -1) {
				vars[m[1]] = config.StringVariable("example-" + acctest.RandString(16))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   writeOnlyVersionChecks,
				CheckDestroy: func(*terraform.State) error {
					var left []string
					for _, o := range emu.Organizations() {
						if !slices.Contains(fixtureOrgs, o) {
							left = append(left, o)
						}
					}
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
					Config: fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, token) +
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

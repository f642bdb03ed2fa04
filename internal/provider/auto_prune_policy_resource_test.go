package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func autoPruneConfig(org, orgPolicy, repoPolicy string) string {
	return pushedRepository(org) + fmt.Sprintf(`
resource "quay_auto_prune_policy" "org" {
  organization = quay_organization.test.name
%s
}
resource "quay_auto_prune_policy" "repo" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
%s
}
data "quay_auto_prune_policies" "org" {
  organization = quay_auto_prune_policy.org.organization
}
`, orgPolicy, repoPolicy)
}

// policiesIn lists a target's policies as "method=value pattern matches".
func policiesIn(t *testing.T, target quay.PolicyTarget) []string {
	t.Helper()
	list, err := testClient(t).ListAutoPrunePolicies(context.Background(), target)
	if err != nil {
		t.Fatalf("listing policies: %v", err)
	}
	var out []string
	for _, p := range list {
		out = append(out, fmt.Sprintf("%s=%s %s %t", p.Method, p.ValueString(), derefString(p.TagPattern), p.TagPatternMatches == nil || *p.TagPatternMatches))
	}
	slices.Sort(out)
	return out
}

func TestAccAutoPrunePolicy_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	orgTarget, repoTarget := quay.PolicyTarget{Namespace: org}, quay.PolicyTarget{Namespace: org, Repository: "app"}
	expect := func(target quay.PolicyTarget, want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := policiesIn(t, target); !slices.Equal(got, want) {
				return fmt.Errorf("policies in Quay: %v, want %v", got, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: autoPruneConfig(org, `  method = "number_of_tags"
  value  = "10"`, `  method      = "creation_date"
  value       = "7d"
  tag_pattern = "^dev-"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("quay_auto_prune_policy.org", tfjsonpath.New("tag_pattern_matches"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("quay_auto_prune_policy.org", tfjsonpath.New("tag_pattern"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.quay_auto_prune_policies.org", tfjsonpath.New("policies"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"method": knownvalue.StringExact("number_of_tags"), "value": knownvalue.StringExact("10")}),
					})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					expect(orgTarget, "number_of_tags=10  true"),
					expect(repoTarget, "creation_date=7d ^dev- true"),
				),
			},
			{ResourceName: "quay_auto_prune_policy.org", ImportState: true, ImportStateIdFunc: policyImportID("quay_auto_prune_policy.org", "organization"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
			{ResourceName: "quay_auto_prune_policy.repo", ImportState: true, ImportStateIdFunc: policyImportID("quay_auto_prune_policy.repo", "repository"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
			{
				// Every field changes in place.
				Config: autoPruneConfig(org, `  method              = "creation_date"
  value               = "2w"
  tag_pattern         = "^release-"
  tag_pattern_matches = false`, `  method      = "number_of_tags"
  value       = "3"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("quay_auto_prune_policy.org", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("quay_auto_prune_policy.repo", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					expect(orgTarget, "creation_date=2w ^release- false"),
					expect(repoTarget, "number_of_tags=3  true"),
				),
			},
			{
				// Deleted outside Terraform: planned and made again.
				PreConfig: func() {
					list, err := testClient(t).ListAutoPrunePolicies(context.Background(), repoTarget)
					if err != nil || len(list) != 1 {
						t.Fatalf("policies: %v %v", list, err)
					}
					if err := testClient(t).DeleteAutoPrunePolicy(context.Background(), repoTarget, list[0].UUID); err != nil {
						t.Fatal(err)
					}
				},
				Config: autoPruneConfig(org, `  method              = "creation_date"
  value               = "2w"
  tag_pattern         = "^release-"
  tag_pattern_matches = false`, `  method      = "number_of_tags"
  value       = "3"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("quay_auto_prune_policy.repo", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expect(repoTarget, "number_of_tags=3  true"),
			},
		},
	})
}

// policyImportID builds "<target>/<uuid>" from state.
func policyImportID(addr, targetAttr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		return rs.Primary.Attributes[targetAttr] + "/" + rs.Primary.Attributes["uuid"], nil
	}
}

// An identical policy made outside Terraform is refused before any write,
// with the import; a policy in the token's own user namespace goes through
// Quay's user paths.
func TestAccAutoPrunePolicy_duplicateAndUserNamespace(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	me := testCurrentUser(t)
	var existing string
	config := pushedRepository(org) + `
resource "quay_auto_prune_policy" "dup" {
  organization = quay_organization.test.name
  method       = "number_of_tags"
  value        = "5"
}`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{Config: pushedRepository(org)},
			{
				PreConfig: func() {
					var err error
					existing, err = testClient(t).CreateAutoPrunePolicy(context.Background(), quay.PolicyTarget{Namespace: org},
						quay.AutoPrunePolicy{Method: "number_of_tags", Value: quay.AutoPruneValue("number_of_tags", "5")})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				ExpectError: wrappedError("already exists", "terraform import quay_auto_prune_policy.<name> "+org+"/"),
			},
			{
				Config:             config,
				ResourceName:       "quay_auto_prune_policy.dup",
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return org + "/" + existing, nil },
				ImportStatePersist: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if got := policiesIn(t, quay.PolicyTarget{Namespace: org}); len(got) != 1 {
						return fmt.Errorf("policies in Quay: %v, want the one made by hand", got)
					}
					return nil
				},
			},
			{
				Config: config + fmt.Sprintf(`
resource "quay_auto_prune_policy" "mine" {
  user_namespace = %q
  method         = "creation_date"
  value          = "30d"
  tag_pattern    = "^tfacc-%s$"
}`, me, org),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					for _, p := range policiesIn(t, quay.PolicyTarget{Namespace: me, User: true}) {
						if p == "creation_date=30d ^tfacc-"+org+"$ true" {
							return nil
						}
					}
					return fmt.Errorf("the user policy is not in Quay")
				},
			},
			{ResourceName: "quay_auto_prune_policy.mine", ImportState: true, ImportStateIdFunc: policyImportID("quay_auto_prune_policy.mine", "user_namespace"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
		},
	})
}

// Without FEATURE_AUTO_PRUNE the plan refuses the policy, naming the flag,
// and nothing is written; the data source says the same.
func TestAccAutoPrunePolicy_featureOff(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Features.AutoPrune = false
	q := ownEmulator(t, cfg, "admin")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: q.provider + `resource "quay_auto_prune_policy" "p" {
  organization = "acme"
  method       = "number_of_tags"
  value        = "10"
}`,
				ExpectError: wrappedError("FEATURE_AUTO_PRUNE turned off"),
			},
			{
				Config:      q.provider + `data "quay_auto_prune_policies" "p" { organization = "acme" }`,
				ExpectError: wrappedError("FEATURE_AUTO_PRUNE turned off"),
			},
		},
	})
	for route := range q.emu.Counts() {
		if route != "GET /api/v1/user/" && route != "GET /config" {
			t.Errorf("the refused plan called Quay: %s", route)
		}
	}
}

// The emulator's worker applies the policies as Quay's does: a repository
// policy keeping 2 tags and an organization policy for old dev- tags leave
// the newest two tags, and an immutable tag is never pruned.
func TestAccAutoPrunePolicy_prunes(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	base := q.provider + pushedRepository("prune")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: func(*terraform.State) error {
					for _, tag := range []string{"keep-me", "a", "b", "c", "d"} {
						if err := pushImage(q.url, "$oauthtoken", q.token, "prune/app", tag); err != nil {
							return err
						}
					}
					return nil
				},
			},
			{
				Config: base + `
resource "quay_immutability_policy" "keep" {
  repository  = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  tag_pattern = "keep-.*"
}
resource "quay_auto_prune_policy" "two" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  method     = "number_of_tags"
  value      = "2"
  depends_on = [quay_immutability_policy.keep]
}`,
				Check: func(*terraform.State) error {
					q.emu.RunAutoPrune()
					tags, err := q.client(t).ListActiveTags(context.Background(), "prune", "app")
					if err != nil {
						return err
					}
					var names []string
					for _, tg := range tags {
						names = append(names, tg.Name)
					}
					slices.Sort(names)
					if want := []string{"c", "d", "keep-me"}; !slices.Equal(names, want) {
						return fmt.Errorf("tags after the prune: %v, want %v", names, want)
					}
					return nil
				},
			},
		},
	})
}

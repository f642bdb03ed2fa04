package provider

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func immutabilityConfig(org, pattern string) string {
	return pushedRepository(org) + fmt.Sprintf(`
resource "quay_immutability_policy" "releases" {
  repository  = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  tag_pattern = %q
}
`, pattern)
}

// tagImmutable asks Quay whether a tag is immutable.
func tagImmutable(t *testing.T, org, tag string) bool {
	t.Helper()
	got, err := testClient(t).GetTag(context.Background(), org, "app", tag)
	if err != nil {
		t.Fatalf("reading tag %s: %v", tag, err)
	}
	return got.Immutable != nil && *got.Immutable
}

// A policy makes matching tags immutable at once: a push over one fails, a
// quay_tag cannot move it; a new pattern changes in place; the destroy
// leaves the tags immutable, as Quay never reverts them.
func TestAccImmutabilityPolicy_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_immutability_policy.releases"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: pushedRepository(org),
				Check: func(*terraform.State) error {
					for _, tag := range []string{"v1.0", "v2.0", "latest"} {
						pushTestImage(t, org, "app", tag)
					}
					return nil
				},
			},
			{
				Config:           immutabilityConfig(org, `v1\..*`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if !tagImmutable(t, org, "v1.0") || tagImmutable(t, org, "v2.0") || tagImmutable(t, org, "latest") {
						return fmt.Errorf("want only v1.0 immutable")
					}
					if err := pushImage(os.Getenv("QUAY_URL"), "$oauthtoken", os.Getenv("QUAY_TOKEN"), org+"/app", "v1.0"); err == nil {
						return fmt.Errorf("a push over the immutable tag v1.0 succeeded")
					}
					// A new tag that matches is immutable from its first push.
					pushTestImage(t, org, "app", "v1.1")
					if !tagImmutable(t, org, "v1.1") {
						return fmt.Errorf("the new tag v1.1 is not immutable")
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateIdFunc: policyImportID(addr, "repository"), ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uuid"},
			{
				// Moving an immutable tag is refused with a clear error.
				Config: immutabilityConfig(org, `v1\..*`) + `
data "quay_tags" "latest" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name_regex = "^latest$"
}
resource "quay_tag" "v1" {
  repository      = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name            = "v1.9"
  manifest_digest = data.quay_tags.latest.tags[0].manifest_digest
}`,
				Check: func(*terraform.State) error {
					if !tagImmutable(t, org, "v1.9") {
						return fmt.Errorf("v1.9, made by quay_tag, is not immutable")
					}
					return nil
				},
			},
			{
				// Its destroy is refused too, and nothing is lost.
				Config:      immutabilityConfig(org, `v1\..*`),
				ExpectError: wrappedError("the tag is immutable"),
			},
			{
				// Once an administrator clears it, the destroy goes through.
				PreConfig: func() {
					mutable := false
					if err := testClient(t).SetTag(context.Background(), org, "app", "v1.9", quay.TagChange{Immutable: &mutable}); err != nil {
						t.Fatal(err)
					}
				},
				Config: immutabilityConfig(org, `v1\..*`),
				Check: func(*terraform.State) error {
					if _, err := testClient(t).GetTag(context.Background(), org, "app", "v1.9"); !quay.IsNotFound(err) {
						return fmt.Errorf("v1.9 survived: %v", err)
					}
					return nil
				},
			},
			{
				// A new pattern changes in place; v2.0 joins, v1.0 stays.
				Config: immutabilityConfig(org, `v2\..*`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if !tagImmutable(t, org, "v2.0") || !tagImmutable(t, org, "v1.0") {
						return fmt.Errorf("want v1.0 and v2.0 immutable")
					}
					return nil
				},
			},
			{
				// Destroyed: the tags stay immutable.
				Config: pushedRepository(org),
				Check: func(*terraform.State) error {
					if !tagImmutable(t, org, "v2.0") {
						return fmt.Errorf("the policy's destroy made v2.0 mutable")
					}
					return nil
				},
			},
		},
	})
}

// Without FEATURE_IMMUTABLE_TAGS, or on a Quay older than 3.17, the plan
// refuses the policy, naming the flag or the version.
func TestAccImmutabilityPolicy_notServed(t *testing.T) {
	requireAcc(t)
	off := emulator.DefaultConfig()
	off.Features.ImmutableTags = false
	old := emulator.DefaultConfig()
	old.Version = "3.16.2"
	config := `resource "quay_immutability_policy" "p" {
  organization = "acme"
  tag_pattern  = "v.*"
}`
	for _, tc := range []struct {
		cfg  emulator.Config
		want string
	}{{off, "FEATURE_IMMUTABLE_TAGS turned off"}, {old, "since Quay 3.17"}} {
		q := ownEmulator(t, tc.cfg, "admin")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: q.provider + config, ExpectError: wrappedError(tc.want)}},
		})
		if p := q.emu.AllImmutabilityPolicies(); len(p) != 0 {
			t.Errorf("the refused plan created policies: %v", p)
		}
	}
}

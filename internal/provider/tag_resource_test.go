package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// tagDigest reads the manifest digest a tag of ns/app points at.
func tagDigest(t *testing.T, ns, tag string) string {
	t.Helper()
	got, err := testClient(t).GetTag(context.Background(), ns, "app", tag)
	if err != nil {
		t.Fatalf("reading tag %s/app:%s: %v", ns, tag, err)
	}
	return got.ManifestDigest
}

// pushedRepository is an organization and a repository to push into.
func pushedRepository(org string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" {
  name          = %q
  email         = "%s@example.com"
  force_destroy = true
}
resource "quay_repository" "app" {
  namespace     = quay_organization.test.name
  name          = "app"
  force_destroy = true
}
`, org, org)
}

// buildDigests reads the digests of build-1 and build-2 in the
// configuration, as the tests' Go values exist only once the steps run.
const buildDigests = `
data "quay_tags" "build1" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name_regex = "^build-1$"
}
data "quay_tags" "build2" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name_regex = "^build-2$"
}
`

const (
	build1Ref = "${data.quay_tags.build1.tags[0].manifest_digest}"
	build2Ref = "${data.quay_tags.build2.tags[0].manifest_digest}"
)

func tagConfig(org, digest, extra string) string {
	return pushedRepository(org) + buildDigests + fmt.Sprintf(`
resource "quay_tag" "prod" {
  repository      = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name            = "prod"
  manifest_digest = %q
%s
}
`, digest, extra)
}

// A tag promotes an image by digest, moves in place, expires when asked,
// comes back when deleted outside Terraform, and its destroy leaves the
// image. A tag made outside Terraform is never moved by a create.
func TestAccTag_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_tag.prod"
	var build1, build2 string
	expires := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: pushedRepository(org),
				Check: func(*terraform.State) error {
					pushTestImage(t, org, "app", "build-1")
					pushTestImage(t, org, "app", "build-2")
					pushTestImage(t, org, "app", "hand-made")
					build1, build2 = tagDigest(t, org, "build-1"), tagDigest(t, org, "build-2")
					if build1 == build2 {
						return fmt.Errorf("the two builds have one digest")
					}
					return nil
				},
			},
			{
				Config: tagConfig(org, build1Ref, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiration"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if got := tagDigest(t, org, "prod"); got != build1 {
						return fmt.Errorf("prod points at %s, want build-1's %s", got, build1)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: org + "/app:prod", ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name"},
			{
				// Moving the tag and setting an expiration is an update.
				Config: tagConfig(org, build2Ref, fmt.Sprintf("  expiration = %q", expires.Format(time.RFC3339))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					got, err := testClient(t).GetTag(context.Background(), org, "app", "prod")
					if err != nil {
						return err
					}
					if got.ManifestDigest != build2 || got.EndTS == nil || *got.EndTS != expires.Unix() {
						return fmt.Errorf("prod in Quay: %+v, want %s expiring at %d", got, build2, expires.Unix())
					}
					return nil
				},
			},
			{
				// Removing the expiration clears it.
				Config: tagConfig(org, build2Ref, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					got, err := testClient(t).GetTag(context.Background(), org, "app", "prod")
					if err != nil || got.EndTS != nil {
						return fmt.Errorf("prod still expires: %+v %v", got, err)
					}
					return nil
				},
			},
			{
				// Deleted outside Terraform: created again.
				PreConfig: func() {
					if err := testClient(t).DeleteTag(context.Background(), org, "app", "prod"); err != nil {
						t.Fatal(err)
					}
				},
				Config: tagConfig(org, build2Ref, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A tag made outside Terraform is refused, untouched.
				Config: tagConfig(org, build2Ref, "") + fmt.Sprintf(`
resource "quay_tag" "taken" {
  repository      = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name            = "hand-made"
  manifest_digest = %q
}`, build1Ref),
				ExpectError: wrappedError("Tag "+org+"/app:hand-made already exists", "terraform import quay_tag.<name> "+org+"/app:hand-made"),
			},
			{
				// The destroy deletes the tag, not the image it points at.
				Config: pushedRepository(org),
				Check: func(*terraform.State) error {
					if _, err := testClient(t).GetTag(context.Background(), org, "app", "prod"); !quay.IsNotFound(err) {
						return fmt.Errorf("prod survived its destroy: %v", err)
					}
					if got := tagDigest(t, org, "build-2"); got != build2 {
						return fmt.Errorf("build-2 changed")
					}
					if got := tagDigest(t, org, "hand-made"); got == build1 {
						return fmt.Errorf("the refused create moved hand-made")
					}
					return nil
				},
			},
		},
	})
}

// quay_tags reads every page: more tags than Quay's page of 100 would hold
// take the emulator's pages, so 105 pushes show all of them.
func TestAccTagsDataSource_allPages(t *testing.T) {
	if os.Getenv("QUAY_TAGS_MANY") == "" && testEmulator == nil {
		t.Skip("pushes 105 tags; set QUAY_TAGS_MANY=1 to run it against a real Quay")
	}
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: pushedRepository(org),
				Check: func(*terraform.State) error {
					for i := 0; i < 105; i++ {
						pushTestImage(t, org, "app", fmt.Sprintf("t%03d", i))
					}
					return nil
				},
			},
			{
				Config: pushedRepository(org) + `
data "quay_tags" "all" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
}
data "quay_tags" "some" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  name_regex = "^t10"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_tags.all", tfjsonpath.New("tags"), knownvalue.ListSizeExact(105)),
					statecheck.ExpectKnownValue("data.quay_tags.all", tfjsonpath.New("tags").AtSliceIndex(104).AtMapKey("name"), knownvalue.StringExact("t104")),
					statecheck.ExpectKnownValue("data.quay_tags.some", tfjsonpath.New("tags"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue("data.quay_tags.some", tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("manifest_digest"), knownvalue.StringRegexp(digestPattern)),
				},
			},
		},
	})
}

package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

func TestAccRepositoryDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	base := repositoryConfig(org, "app", `
  description   = "The app"
  visibility    = "public"
  force_destroy = true`)
	withData := base + `
data "quay_repository" "test" {
  namespace = quay_repository.test.namespace
  name      = quay_repository.test.name
}`
	addr := "data.quay_repository.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: withData,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("visibility"), knownvalue.StringExact("public")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("The app")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("NORMAL")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("is_organization"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("can_admin"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_modified"), knownvalue.StringExact("")),
				},
				Check: func(*terraform.State) error {
					pushTestImage(t, org, "app", "v1")
					pushTestImage(t, org, "app", "v2")
					return nil
				},
			},
			{
				Config: withData,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tag_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_modified"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
			},
		},
	})
}

// The list follows next_page: 105 repositories come in two pages.
func TestAccRepositoriesDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	orgOnly := fmt.Sprintf(`resource "quay_organization" "test" {
  name          = %q
  force_destroy = true
}`, org)
	withData := orgOnly + `
data "quay_repositories" "test" { namespace = quay_organization.test.name }`
	const n = 105
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				Config:      `data "quay_repositories" "test" {}`,
				ExpectError: regexp.MustCompile(`A filter is required`),
				PlanOnly:    true,
			},
			{
				Config: orgOnly,
				Check: func(*terraform.State) error {
					c := testClient(t)
					for i := 0; i < n; i++ {
						vis := "private"
						if i == 0 {
							vis = "public"
						}
						if _, err := c.CreateRepository(context.Background(), quay.CreateRepositoryRequest{Namespace: org, Repository: fmt.Sprintf("r%03d", i), Visibility: vis, Description: "d"}); err != nil {
							return err
						}
					}
					return nil
				},
			},
			{
				Config: withData,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_repositories.test", tfjsonpath.New("repositories"), knownvalue.ListSizeExact(n)),
					statecheck.ExpectKnownValue("data.quay_repositories.test", tfjsonpath.New("repositories").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(org), "name": knownvalue.StringExact("r000"), "visibility": knownvalue.StringExact("public"),
						"description": knownvalue.StringExact("d"), "state": knownvalue.StringExact("NORMAL"), "last_modified": knownvalue.StringExact(""),
					})),
					statecheck.ExpectKnownValue("data.quay_repositories.test", tfjsonpath.New("repositories").AtSliceIndex(n-1).AtMapKey("name"), knownvalue.StringExact(fmt.Sprintf("r%03d", n-1))),
				},
			},
		},
	})
}

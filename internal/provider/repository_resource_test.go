package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
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

var testAccCheckRepositoryDestroy = checkDestroyed("quay_repository", func(ctx context.Context, c *quay.Client, a map[string]string) (string, error) {
	_, err := c.GetRepository(ctx, a["namespace"], a["name"], false)
	return a["namespace"] + "/" + a["name"], err
})

func checkRepositoryAndOrgDestroy(s *terraform.State) error {
	if err := testAccCheckRepositoryDestroy(s); err != nil {
		return err
	}
	return testAccCheckOrganizationDestroy(s)
}

// repositoryConfig is an organization with one repository; extra lines go
// into the repository block.
func repositoryConfig(org, name, extra string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_repository" "test" {
  namespace = quay_organization.test.name
  name      = %q
%s
}`, org, name, extra)
}

func TestAccRepository_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_repository.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: repositoryConfig(org, "team/app", `  description = "The *app*"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("NORMAL")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("force_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("The *app*")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        org + "/team/app",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
			},
			{
				Config: repositoryConfig(org, "team/app", `
  description = ""
  visibility  = "public"
  state       = "READ_ONLY"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					r, err := testClient(t).GetRepository(context.Background(), org, "team/app", false)
					if err != nil {
						return err
					}
					if !r.IsPublic || r.State != "READ_ONLY" || r.Description == nil || *r.Description != "" {
						return fmt.Errorf("repository in Quay: %+v", r)
					}
					return nil
				},
			},
			{
				// With state unset, Terraform keeps what Quay has.
				Config:           repositoryConfig(org, "team/app", `  visibility = "public"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: repositoryConfig(org, "team/app", `  state = "NORMAL"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("NORMAL")),
				},
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := testClient(t).DeleteRepository(context.Background(), org, "team/app"); err != nil {
						t.Fatalf("deleting the repository behind Terraform's back: %v", err)
					}
				},
				Config: repositoryConfig(org, "team/app", `  state = "NORMAL"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// A replacement deletes and creates the same name in one run.
				Config: repositoryConfig(org, "team/app", `  state = "NORMAL"`),
				Taint:  []string{addr},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
			{
				// A description changed outside Terraform is set back.
				PreConfig: func() {
					if err := testClient(t).UpdateRepositoryDescription(context.Background(), org, "team/app", "changed"); err != nil {
						t.Fatal(err)
					}
				},
				Config: repositoryConfig(org, "team/app", `  state = "NORMAL"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

// A repository that exists is never taken over: the create fails before
// any change and gives the import command.
func TestAccRepository_alreadyExists(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org)},
			{
				PreConfig: func() {
					_, err := testClient(t).CreateRepository(context.Background(), quay.CreateRepositoryRequest{Namespace: org, Repository: "taken", Visibility: "public", Description: "made elsewhere"})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      repositoryConfig(org, "taken", ""),
				ExpectError: wrappedError("Repository "+org+"/taken already exists", "terraform import quay_repository.<name> "+org+"/taken"),
			},
			{
				// Still as it was; removed so the organization can go.
				PreConfig: func() {
					c := testClient(t)
					r, err := c.GetRepository(context.Background(), org, "taken", false)
					if err != nil || !r.IsPublic || r.Description == nil || *r.Description != "made elsewhere" {
						t.Fatalf("repository changed: %+v %v", r, err)
					}
					if err := c.DeleteRepository(context.Background(), org, "taken"); err != nil {
						t.Fatal(err)
					}
				},
				Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org),
			},
		},
	})
}

// With force_destroy false, a repository with tags is not deleted; with
// it true, it is.
func TestAccRepository_forceDestroy(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	orgOnly := fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: repositoryConfig(org, "app", ""),
				Check: func(*terraform.State) error {
					pushTestImage(t, org, "app", "v1")
					pushTestImage(t, org, "app", "v2")
					return nil
				},
			},
			{
				Config:      orgOnly,
				ExpectError: wrappedError("Repository "+org+"/app holds 2 tag(s)", "set force_destroy = true"),
			},
			{
				Config: repositoryConfig(org, "app", ""),
				Check: func(*terraform.State) error {
					n, err := testClient(t).CountActiveTags(context.Background(), org, "app")
					if err != nil || n != 2 {
						return fmt.Errorf("tags after the refused destroy: %d %v", n, err)
					}
					return nil
				},
			},
			{
				Config: repositoryConfig(org, "app", "  force_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("quay_repository.test", plancheck.ResourceActionUpdate)},
				},
			},
			{Config: orgOnly},
		},
	})
}

// A push to a missing repository of an organization creates it, as Quay
// does; importing it then shows a private repository without a description.
func TestAccRepository_createdByPush(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, org),
				Check: func(*terraform.State) error {
					pushTestImage(t, org, "pushed", "latest")
					return nil
				},
			},
			{
				Config: fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
import {
  to = quay_repository.test
  id = "%s/pushed"
}
resource "quay_repository" "test" {
  namespace     = quay_organization.test.name
  name          = "pushed"
  force_destroy = true
}`, org, org),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("quay_repository.test", tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue("quay_repository.test", tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
			},
		},
	})
}

// Bad names and states stop at plan.
func TestAccRepository_badInput(t *testing.T) {
	cases := map[string]string{
		`name = "App"`:       `must be lowercase letters`,
		`name = "-app"`:      `must be lowercase letters`,
		`name = "team//app"`: `must be lowercase letters`,
		`name = "app"` + "\n" + `state = "MIRROR"`:        `State MIRROR is set by mirroring`,
		`name = "app"` + "\n" + `visibility = "internal"`: `value must be one of`,
	}
	var steps []resource.TestStep
	for block, want := range cases {
		steps = append(steps, resource.TestStep{
			Config: fmt.Sprintf(`resource "quay_repository" "test" {
  namespace = "acme"
  %s
}`, block),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// An organization that still holds repositories this configuration does
// not manage is not deleted unless its force_destroy is true.
func TestAccRepository_organizationForceDestroy(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	orgConfig := func(force bool) string {
		return fmt.Sprintf(`resource "quay_organization" "test" {
  name          = %q
  force_destroy = %t
}`, org, force)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{
				Config: orgConfig(false),
				Check: func(*terraform.State) error {
					c := testClient(t)
					for _, name := range []string{"one", "two"} {
						if _, err := c.CreateRepository(context.Background(), quay.CreateRepositoryRequest{Namespace: org, Repository: name, Visibility: "private"}); err != nil {
							return err
						}
					}
					return nil
				},
			},
			{
				Config:      orgConfig(false),
				Destroy:     true,
				ExpectError: wrappedError(fmt.Sprintf("Organization %q still holds 2 repositories", org), "set force_destroy = true"),
			},
			{
				Config: orgConfig(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("quay_organization.test", plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

// A create whose answer is lost (Quay made the repository, then answered
// 500) keeps the repository it made: the next plan is empty, nothing is
// left over and no "already exists" follows.
func TestAccRepository_lostCreateAnswer(t *testing.T) {
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	url, hit := lostAnswerServer(t, em, http.MethodPost, "/api/v1/repository")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", url, em.IssueToken("admin")) +
				repositoryConfig("lost", "app", `  description = "kept"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if !hit.Load() {
					return fmt.Errorf("the repository POST never came")
				}
				if got := em.Repositories(); len(got) != 1 || got[0] != "lost/app" {
					return fmt.Errorf("repositories: %v", got)
				}
				return nil
			},
		}},
	})
}

// Without FEATURE_REPO_MIRROR Quay has no call to change a repository's
// state: the plan refuses one, naming the flag, and leaving state unset
// works.
func TestAccRepository_stateWithoutRepoMirror(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Features.RepoMirror = false
	em := emulator.New(cfg)
	em.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	provider := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, em.IssueToken("admin"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + repositoryConfig("nomirror", "app", `  state = "READ_ONLY"`),
				ExpectError: wrappedError("FEATURE_REPO_MIRROR turned off"),
			},
			{
				Config: provider + repositoryConfig("nomirror", "app", `  state = "NORMAL"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("quay_repository.test", tfjsonpath.New("state"), knownvalue.StringExact("NORMAL")),
				},
			},
		},
	})
}

// A repository in the token's own user namespace.
func TestAccRepository_userNamespace(t *testing.T) {
	user := testCurrentUser(t)
	name := acctest.RandomWithPrefix("tfacc")
	config := fmt.Sprintf(`resource "quay_repository" "test" {
  namespace  = %q
  name       = %q
  visibility = "public"
}`, user, name)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRepositoryDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					r, err := testClient(t).GetRepository(context.Background(), user, name, false)
					if err != nil {
						return err
					}
					if r.IsOrganization || !r.IsPublic || !r.CanAdmin {
						return fmt.Errorf("repository in Quay: %+v", r)
					}
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: "quay_repository.test", ImportState: true, ImportStateId: user + "/" + name, ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name"},
		},
	})
}

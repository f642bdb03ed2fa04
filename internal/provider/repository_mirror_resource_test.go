package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
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

// mirrorBase is an organization, a repository whose state follows Quay,
// and the robot that mirrors into it.
func mirrorBase(org string) string {
	return fmt.Sprintf(`
resource "quay_organization" "test" {
  name          = %q
  email         = "%s@example.com"
  force_destroy = true
}
resource "quay_repository" "mirrored" {
  namespace     = quay_organization.test.name
  name          = "mirrored"
  force_destroy = true
}
resource "quay_robot" "mirror" {
  namespace = quay_organization.test.name
  name      = "mirror"
}
variable "upstream_password" {
  type      = string
  sensitive = true
  default   = "upstream-secret"
}
`, org, org)
}

func mirrorConfig(org, extra string) string {
	return mirrorBase(org) + `
resource "quay_repository_mirror" "m" {
  repository                            = "${quay_repository.mirrored.namespace}/${quay_repository.mirrored.name}"
  external_reference                    = "quay.io/prometheus/node-exporter"
  robot_username                        = quay_robot.mirror.full_name
  external_registry_username            = "puller"
  external_registry_password_wo         = var.upstream_password
  external_registry_password_wo_version = 1
` + extra + `
}
`
}

func TestAccRepositoryMirror_lifecycle(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	addr := "quay_repository_mirror.m"
	ctx := context.Background()
	repoState := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			r, err := testClient(t).GetRepository(ctx, org, "mirrored", false)
			if err != nil || r.State != want {
				return fmt.Errorf("repository state: %+v %v, want %s", r, err, want)
			}
			return nil
		}
	}
	mirror := func(check func(*quay.Mirror) error) resource.TestCheckFunc {
		return func(*terraform.State) error {
			m, err := testClient(t).GetMirror(ctx, org, "mirrored")
			if err != nil {
				return err
			}
			return check(m)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyVersionChecks,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{
			{
				Config: mirrorConfig(org, `  root_rule     = ["v1.*"]
  sync_interval = 3600`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("is_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("skopeo_timeout_interval"), knownvalue.Int64Exact(300)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("external_registry_password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sync_start_date"), knownvalue.StringRegexp(mirrorDate)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					// Quay's own side effects: MIRROR state, write for the robot.
					repoState("MIRROR"),
					func(*terraform.State) error {
						p, err := testClient(t).GetRepositoryUserPermission(ctx, org, "mirrored", org+"+mirror")
						if err != nil || p.Role != "write" {
							return fmt.Errorf("robot's grant: %+v %v", p, err)
						}
						return nil
					},
					mirror(func(m *quay.Mirror) error {
						if !m.IsEnabled || m.ExternalReference != "quay.io/prometheus/node-exporter" || derefString(m.ExternalRegistryUsername) != "puller" || !slices.Equal(m.RootRule.RuleValue, []string{"v1.*"}) {
							return fmt.Errorf("mirror in Quay: %+v", m)
						}
						return nil
					}),
				),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateId: org + "/mirrored", ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "repository",
				ImportStateVerifyIgnore:              []string{"external_registry_password_wo_version"},
			},
			{
				// The worker's fields change outside Terraform: no drift.
				PreConfig: func() {
					if err := testClient(t).SyncMirrorNow(ctx, org, "mirrored"); err != nil {
						t.Fatal(err)
					}
				},
				Config: mirrorConfig(org, `  root_rule     = ["v1.*"]
  sync_interval = 3600`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Disabled outside Terraform: drift, enabled again in place.
				PreConfig: func() {
					disabled := false
					if err := testClient(t).UpdateMirror(ctx, org, "mirrored", quay.MirrorRequest{IsEnabled: &disabled}); err != nil {
						t.Fatal(err)
					}
				},
				Config: mirrorConfig(org, `  root_rule     = ["v1.*"]
  sync_interval = 3600`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: mirror(func(m *quay.Mirror) error {
					if !m.IsEnabled {
						return fmt.Errorf("the mirror is still disabled")
					}
					return nil
				}),
			},
			{
				// Settings change in place.
				Config: mirrorConfig(org, `  root_rule     = ["v1.*", "latest"]
  sync_interval = 7200
  verify_tls    = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: mirror(func(m *quay.Mirror) error {
					if m.SyncInterval != 7200 || len(m.RootRule.RuleValue) != 2 || m.ExternalRegistryConfig.VerifyTLS == nil || *m.ExternalRegistryConfig.VerifyTLS {
						return fmt.Errorf("mirror in Quay: %+v", m)
					}
					return nil
				}),
			},
			{
				// Destroyed: disabled (Quay cannot delete it), repository NORMAL.
				Config: mirrorBase(org),
				Check: resource.ComposeTestCheckFunc(repoState("NORMAL"), mirror(func(m *quay.Mirror) error {
					if m.IsEnabled {
						return fmt.Errorf("the destroyed mirror is still enabled")
					}
					return nil
				})),
			},
			{
				// Created again: the disabled configuration is reused.
				Config: mirrorConfig(org, `  root_rule     = ["v2.*"]
  sync_interval = 3600`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(repoState("MIRROR"), mirror(func(m *quay.Mirror) error {
					if !m.IsEnabled || !slices.Equal(m.RootRule.RuleValue, []string{"v2.*"}) {
						return fmt.Errorf("mirror in Quay: %+v", m)
					}
					return nil
				})),
			},
		},
	})
}

// Without FEATURE_REPO_MIRROR the plan refuses the mirror, naming the flag.
func TestAccRepositoryMirror_featureOff(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Features.RepoMirror = false
	q := ownEmulator(t, cfg, "admin")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: q.provider + `resource "quay_repository_mirror" "m" {
  repository         = "acme/app"
  external_reference = "quay.io/acme/app"
  root_rule          = ["latest"]
  robot_username     = "acme+mirror"
  sync_interval      = 3600
}`,
			ExpectError: wrappedError("FEATURE_REPO_MIRROR turned off"),
		}},
	})
}

// Architecture filters need Quay 3.17: an older server is refused at plan,
// naming the version, before anything is written.
func TestAccRepositoryMirror_architectureFilterNeedsNewerQuay(t *testing.T) {
	requireAcc(t)
	cfg := emulator.DefaultConfig()
	cfg.Version = "3.16.3"
	q := ownEmulator(t, cfg, "admin")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: q.provider + `resource "quay_repository_mirror" "m" {
  repository          = "acme/app"
  external_reference  = "quay.io/acme/app"
  root_rule           = ["latest"]
  robot_username      = "acme+mirror"
  sync_interval       = 3600
  architecture_filter = ["amd64"]
}`,
			ExpectError: wrappedError("Architecture filters need Quay 3.17", `"Quay 3.16.3"`),
		}},
	})
}

// A sync asked for with sync-now brings the upstream's matching tags into
// the mirrored repository. The upstream is a second emulator, so this
// runs on the emulator only; against a real Quay it would need an upstream
// Quay can reach.
func TestAccRepositoryMirror_syncNow(t *testing.T) {
	requireAcc(t)
	up := emulator.New(emulator.DefaultConfig())
	up.AddUser("admin", "admin@example.com", true)
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	up.SetBaseURL(upSrv.URL)
	upToken := up.IssueToken("admin")
	upClient, err := quay.New(upSrv.URL, quay.WithToken(upToken))
	if err != nil {
		t.Fatal(err)
	}
	if err := upClient.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: "source", Email: "source@example.com"}); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"v1.0", "v1.1", "v2.0"} {
		if err := pushImage(upSrv.URL, "$oauthtoken", upToken, "source/app", tag); err != nil {
			t.Fatal(err)
		}
	}
	cfg := emulator.DefaultConfig()
	cfg.SSRFAllowedHosts = []string{"127.0.0.1"} // as SSRF_ALLOWED_HOSTS would allow the upstream
	q := ownEmulator(t, cfg, "admin")
	upstream := strings.TrimPrefix(upSrv.URL, "http://") + "/source/app"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyVersionChecks,
		Steps: []resource.TestStep{{
			Config: q.provider + mirrorBase("downstream") + `
variable "upstream" { type = string }
resource "quay_repository_mirror" "m" {
  repository                            = "${quay_repository.mirrored.namespace}/${quay_repository.mirrored.name}"
  external_reference                    = var.upstream
  robot_username                        = quay_robot.mirror.full_name
  root_rule                             = ["v1.*"]
  sync_interval                         = 3600
  verify_tls                            = false
  external_registry_username            = "$oauthtoken"
  external_registry_password_wo         = var.upstream_password
  external_registry_password_wo_version = 1
}
`,
			ConfigVariables: config.Variables{"upstream": config.StringVariable(upstream), "upstream_password": config.StringVariable(upToken)},
			Check: func(*terraform.State) error {
				return expectMirrorSync(q.client(t), "downstream", "mirrored", 20*time.Second, []string{"v1.0", "v1.1"})
			},
		}},
	})
}

// expectMirrorSync asks for a sync now, waits for it to succeed, and checks
// the mirrored tags (want nil: at least one).
func expectMirrorSync(c *quay.Client, ns, repo string, timeout time.Duration, want []string) error {
	ctx := context.Background()
	if err := c.SyncMirrorNow(ctx, ns, repo); err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		m, err := c.GetMirror(ctx, ns, repo)
		if err != nil {
			return err
		}
		if m.SyncStatus == "SUCCESS" {
			break
		}
		if m.SyncStatus == "FAIL" || time.Now().After(deadline) {
			return fmt.Errorf("sync status %s", m.SyncStatus)
		}
		time.Sleep(200 * time.Millisecond)
	}
	tags, err := c.ListActiveTags(ctx, ns, repo)
	if err != nil {
		return err
	}
	var names []string
	for _, tg := range tags {
		names = append(names, tg.Name)
	}
	slices.Sort(names)
	if (want == nil && len(names) == 0) || (want != nil && !slices.Equal(names, want)) {
		return fmt.Errorf("mirrored tags: %v, want %v", names, want)
	}
	return nil
}

// The same sync on a real Quay, from an upstream it can reach: set
// QUAY_TEST_MIRROR_UPSTREAM (host/path of a repository Quay may pull
// anonymously) and optionally QUAY_TEST_MIRROR_TAGS (a tag glob, default
// "*"). The Quay needs FEATURE_REPO_MIRROR and its mirror worker running.
func TestAccRepositoryMirror_syncNowRealQuay(t *testing.T) {
	if testEmulator != nil {
		t.Skip("on the emulator, TestAccRepositoryMirror_syncNow syncs from a second emulator")
	}
	upstream := os.Getenv("QUAY_TEST_MIRROR_UPSTREAM")
	if upstream == "" {
		t.Skip("set QUAY_TEST_MIRROR_UPSTREAM to an upstream repository (host/path) that the Quay under test can pull from to run the sync against a real Quay")
	}
	glob := os.Getenv("QUAY_TEST_MIRROR_TAGS")
	if glob == "" {
		glob = "*"
	}
	org := acctest.RandomWithPrefix("tfacc")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkRepositoryAndOrgDestroy,
		Steps: []resource.TestStep{{
			Config: mirrorBase(org) + fmt.Sprintf(`
resource "quay_repository_mirror" "m" {
  repository         = "${quay_repository.mirrored.namespace}/${quay_repository.mirrored.name}"
  external_reference = %q
  robot_username     = quay_robot.mirror.full_name
  root_rule          = [%q]
  sync_interval      = 86400
}
`, upstream, glob),
			Check: func(*terraform.State) error {
				return expectMirrorSync(testClient(t), org, "mirrored", 10*time.Minute, nil)
			},
		}},
	})
}

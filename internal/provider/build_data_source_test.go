package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// TestAccBuildDataSource requests a build of a new repository through the
// API and reads it: with no build worker it stays queued. Then a UUID
// that names no build is a clear "not found". Quay's build API does not
// check FEATURE_BUILD_SUPPORT (only its web routes do), so nothing is
// skipped; on a real Quay the phase holds only while no build worker runs.
func TestAccBuildDataSource(t *testing.T) {
	requireAcc(t)
	testAccPreCheck(t)
	ctx := context.Background()
	c := testClient(t)
	org := acctest.RandomWithPrefix("tfacc")
	if err := c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: org}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteOrganization(context.Background(), org) })
	if _, err := c.CreateRepository(ctx, quay.CreateRepositoryRequest{Namespace: org, Repository: "app", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	const archive = "https://example.com/build-context.tar.gz"
	b, err := c.RequestBuild(ctx, org, "app", quay.RequestBuildRequest{ArchiveURL: archive, DockerTags: []string{"v1"}})
	if err != nil {
		t.Fatalf("request build: %v", err)
	}
	sum := sha256.Sum224([]byte(archive))
	missing := "00000000-0000-4000-8000-000000000000"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`data "quay_build" "b" {
  uuid         = %q
  include_logs = true
}`, b.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("repository"), knownvalue.StringExact(org+"/app")),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("phase"), knownvalue.StringExact("waiting")),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("started"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("display_name"), knownvalue.StringExact(hex.EncodeToString(sum[:])[:7])),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("status"), knownvalue.StringExact("{}")),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("tags"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("v1")})),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("dockerfile_path"), knownvalue.StringExact("/Dockerfile")),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("context"), knownvalue.StringExact("/")),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("manual_user"), knownvalue.StringExact(testCurrentUser(t))),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("pull_robot"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("resource_key"), knownvalue.Null()),
					// The token's user created the repository, so may write to it.
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("archive_url"), knownvalue.StringExact(archive)),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("error"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs_total"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs_url"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				Config:      fmt.Sprintf(`data "quay_build" "b" { uuid = %q }`, missing),
				ExpectError: wrappedError(`Build not found`, fmt.Sprintf(`Quay has no build %q`, missing)),
			},
		},
	})
}

// TestAccBuildDataSource_logs reads a build's log lines, as a worker would
// have written them, and then their archive URL; without include_logs
// the data source makes one request, with it two.
func TestAccBuildDataSource_logs(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	id := requestTestBuild(t, q.client(t), quay.RequestBuildRequest{ArchiveURL: "https://example.com/a.tgz", Subdirectory: "web"})
	q.emu.AddBuildLog(id,
		map[string]any{"type": "phase", "message": "pulling", "data": map[string]any{"phase": "pulling"}},
		map[string]any{"message": "Step 1/2 : FROM alpine"})
	counts := func(wantLogs bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			n := q.emu.Counts()
			if n["GET /api/v1/superuser/{build_uuid}/build"] == 0 {
				return fmt.Errorf("no build read: %v", n)
			}
			if got := n["GET /api/v1/superuser/{build_uuid}/logs"] > 0; got != wantLogs {
				return fmt.Errorf("log reads %v, want %v", n["GET /api/v1/superuser/{build_uuid}/logs"], wantLogs)
			}
			q.emu.ResetCounts()
			return nil
		}
	}
	q.emu.ResetCounts()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: q.provider + fmt.Sprintf(`data "quay_build" "b" { uuid = %q }`, id),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.quay_build.b", "dockerfile_path", "web/Dockerfile"),
					resource.TestCheckResourceAttr("data.quay_build.b", "context", "web"),
					resource.TestCheckResourceAttr("data.quay_build.b", "tags.#", "1"),
					resource.TestCheckResourceAttr("data.quay_build.b", "tags.0", "latest"),
					resource.TestCheckNoResourceAttr("data.quay_build.b", "logs"),
					resource.TestCheckNoResourceAttr("data.quay_build.b", "logs_total"),
					counts(false),
				),
			},
			{
				Config: q.provider + fmt.Sprintf(`data "quay_build" "b" {
  uuid         = %q
  include_logs = true
}`, id),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs_total"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"type": knownvalue.StringExact("phase"), "message": knownvalue.StringExact("pulling"), "data": knownvalue.StringExact(`{"phase":"pulling"}`),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"type": knownvalue.Null(), "message": knownvalue.StringExact("Step 1/2 : FROM alpine"), "data": knownvalue.Null(),
						}),
					})),
				},
				Check: counts(true),
			},
			{
				PreConfig: func() { q.emu.ArchiveBuildLogs(id) },
				Config: q.provider + fmt.Sprintf(`data "quay_build" "b" {
  uuid         = %q
  include_logs = true
}`, id),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs_url"), knownvalue.StringRegexp(regexp.MustCompile(`/logarchive/`+id+`$`))),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs_total"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.quay_build.b", tfjsonpath.New("logs"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

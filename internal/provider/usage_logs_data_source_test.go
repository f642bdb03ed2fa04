package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestAccUsageLogsDataSource: an apply leaves the entries Quay writes for
// it (org_create, org_create_team with their metadata, performed by the
// token's user), readable from the organization's logs and, filtered by
// kind, from the instance's.
func TestAccUsageLogsDataSource(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	since := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name  = %[1]q
  email = "%[1]s@example.com"
}
resource "quay_team" "test" {
  organization = quay_organization.test.name
  name         = "builders"
  role         = "member"
}`, name)},
			{
				Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name  = %[1]q
  email = "%[1]s@example.com"
}
resource "quay_team" "test" {
  organization = quay_organization.test.name
  name         = "builders"
  role         = "member"
}
data "quay_usage_logs" "org" {
  organization = quay_organization.test.name
  starttime    = %[2]q
  depends_on   = [quay_team.test]
}
data "quay_usage_logs" "creates" {
  kind       = "org_create"
  starttime  = %[2]q
  depends_on = [quay_team.test]
}`, name, since),
				Check: func(s *terraform.State) error {
					me := testCurrentUser(t)
					org := s.RootModule().Resources["data.quay_usage_logs.org"].Primary.Attributes
					if err := expectLogEntry(org, map[string]string{"kind": "org_create", "performer": me, "metadata.namespace": name, "metadata.email": name + "@example.com"}); err != nil {
						return err
					}
					if err := expectLogEntry(org, map[string]string{"kind": "org_create_team", "performer": me, "metadata.team": "builders"}); err != nil {
						return err
					}
					if org["entries.0.namespace"] != "" || org["max_entries"] != "1000" || org["truncated"] != "false" {
						return fmt.Errorf("org logs: namespace %q (want none), max_entries %q, truncated %q", org["entries.0.namespace"], org["max_entries"], org["truncated"])
					}
					all := s.RootModule().Resources["data.quay_usage_logs.creates"].Primary.Attributes
					if err := expectLogEntry(all, map[string]string{"kind": "org_create", "namespace": name, "performer": me}); err != nil {
						return err
					}
					for k, v := range all {
						if regexp.MustCompile(`^entries\.\d+\.kind$`).MatchString(k) && v != "org_create" {
							return fmt.Errorf("kind filter let %s = %q through", k, v)
						}
					}
					return nil
				},
			},
		},
	})
}

// expectLogEntry finds an entry whose attributes include want.
func expectLogEntry(attrs map[string]string, want map[string]string) error {
	for i := 0; ; i++ {
		prefix := fmt.Sprintf("entries.%d.", i)
		if _, ok := attrs[prefix+"kind"]; !ok {
			return fmt.Errorf("no log entry with %v among %s entries", want, attrs["entries.#"])
		}
		match := attrs[prefix+"time"] != "" && attrs[prefix+"ip"] != ""
		for k, v := range want {
			match = match && attrs[prefix+k] == v
		}
		if match {
			return nil
		}
	}
}

// TestAccUsageLogsDataSource_paging reads 45 entries: 20 a page, one
// request per page (Quay offers one empty page after its last entries), and
// a cap of 30 that stops after two pages and says the result is truncated.
func TestAccUsageLogsDataSource_paging(t *testing.T) {
	requireAcc(t)
	q := ownEmulator(t, emulator.DefaultConfig(), "admin")
	q.emu.AddUsageLogs(45, "org_create_team", "admin", "admin")
	const route = "GET /api/v1/superuser/logs"
	var before int
	requests := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			// Refresh, plan and apply each read once more: count one read.
			got := q.emu.Counts()[route] - before
			if got%want != 0 || got == 0 {
				return fmt.Errorf("%s made %d times, want a multiple of %d", route, got, want)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { before = q.emu.Counts()[route] },
				Config:    q.provider + `data "quay_usage_logs" "all" {}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.#", "45"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "truncated", "false"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.0.metadata.index", "44"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.44.metadata.index", "0"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.0.namespace", "admin"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.0.ip", "192.0.2.1"),
					requests(4),
				),
			},
			{
				PreConfig: func() { before = q.emu.Counts()[route] },
				Config:    q.provider + `data "quay_usage_logs" "all" { max_entries = 30 }`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.#", "30"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "truncated", "true"),
					resource.TestCheckResourceAttr("data.quay_usage_logs.all", "max_entries", "30"),
					requests(2),
				),
			},
			{
				// Exact bounds: the day is sent, the provider cuts to the times.
				Config: q.provider + fmt.Sprintf(`data "quay_usage_logs" "all" { endtime = %q }`, time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)),
				Check:  resource.TestCheckResourceAttr("data.quay_usage_logs.all", "entries.#", "0"),
			},
		},
	})
}

// A repository's logs hold what was done to that repository, and only that.
func TestAccUsageLogsDataSource_repository(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	since := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	repos := fmt.Sprintf(`
resource "quay_organization" "test" { name = %q }
resource "quay_repository" "app" {
  namespace   = quay_organization.test.name
  name        = "app"
  description = "logged"
}
resource "quay_repository" "other" {
  namespace = quay_organization.test.name
  name      = "other"
}`, name)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{
			{Config: repos},
			{
				Config: repos + fmt.Sprintf(`
data "quay_usage_logs" "app" {
  repository = "${quay_repository.app.namespace}/${quay_repository.app.name}"
  starttime  = %q
}`, since),
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources["data.quay_usage_logs.app"].Primary.Attributes
					if err := expectLogEntry(attrs, map[string]string{"kind": "create_repo", "performer": testCurrentUser(t), "metadata.repo": "app"}); err != nil {
						return err
					}
					for k, v := range attrs {
						if regexp.MustCompile(`^entries\.\d+\.metadata\.repo$`).MatchString(k) && v != "app" {
							return fmt.Errorf("the logs of app hold an entry of %q (%s)", v, k)
						}
					}
					return nil
				},
			},
		},
	})
}

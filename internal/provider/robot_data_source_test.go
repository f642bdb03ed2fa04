package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The robot data sources read what the resources made: one robot with its
// metadata and federation, and the organization's list, with each robot's
// teams and repositories when asked; no token in either.
var rfc3339Pattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func TestAccRobotDataSources(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	config := robotOrgFixture(org) + fmt.Sprintf(`
resource "quay_team" "builders" {
  organization = quay_organization.test.name
  name         = "builders"
  role         = "member"
}
resource "quay_repository" "app" {
  namespace = quay_organization.test.name
  name      = "app"
}
resource "quay_robot" "ci" {
  namespace             = quay_organization.test.name
  name                  = "ci"
  description           = "pushes"
  unstructured_metadata = { owner = "platform" }
  federation            = [{ issuer = "https://issuer.example.com", subject = "main" }]
}
resource "quay_robot" "idle" {
  namespace = quay_organization.test.name
  name      = "idle"
}
resource "quay_org_member" "ci" {
  organization = quay_organization.test.name
  username     = quay_robot.ci.full_name
  teams        = [quay_team.builders.name]
}
resource "quay_repository_permission" "ci" {
  repository = "%[1]s/${quay_repository.app.name}"
  username   = quay_robot.ci.full_name
  role       = "write"
}
data "quay_robot" "ci" {
  namespace  = quay_robot.ci.namespace
  name       = quay_robot.ci.name
  depends_on = [quay_org_member.ci]
}
data "quay_robots" "all" {
  namespace           = quay_organization.test.name
  include_permissions = true
  depends_on          = [quay_org_member.ci, quay_repository_permission.ci, quay_robot.idle]
}
data "quay_robots" "plain" {
  namespace  = quay_organization.test.name
  depends_on = [quay_robot.ci, quay_robot.idle]
}
`, org)
	ci := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"name":          knownvalue.StringExact("ci"),
		"full_name":     knownvalue.StringExact(org + "+ci"),
		"description":   knownvalue.StringExact("pushes"),
		"teams":         knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("builders")}),
		"repositories":  knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("app")}),
		"last_accessed": knownvalue.Null(),
	})
	idle := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"full_name":    knownvalue.StringExact(org + "+idle"),
		"teams":        knownvalue.SetExact([]knownvalue.Check{}),
		"repositories": knownvalue.SetExact([]knownvalue.Check{}),
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRobotFixtureDestroy,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_robot.ci", tfjsonpath.New("full_name"), knownvalue.StringExact(org+"+ci")),
				statecheck.ExpectKnownValue("data.quay_robot.ci", tfjsonpath.New("description"), knownvalue.StringExact("pushes")),
				statecheck.ExpectKnownValue("data.quay_robot.ci", tfjsonpath.New("unstructured_metadata"), knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("platform")})),
				statecheck.ExpectKnownValue("data.quay_robot.ci", tfjsonpath.New("created"), knownvalue.StringRegexp(rfc3339Pattern)),
				statecheck.ExpectKnownValue("data.quay_robot.ci", tfjsonpath.New("federation"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"issuer": knownvalue.StringExact("https://issuer.example.com"), "subject": knownvalue.StringExact("main")}),
				})),
				statecheck.ExpectKnownValue("data.quay_robots.all", tfjsonpath.New("robots"), knownvalue.ListExact([]knownvalue.Check{ci, idle})),
				statecheck.ExpectKnownValue("data.quay_robots.plain", tfjsonpath.New("robots").AtSliceIndex(0).AtMapKey("teams"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.quay_robots.plain", tfjsonpath.New("robots").AtSliceIndex(1).AtMapKey("full_name"), knownvalue.StringExact(org+"+idle")),
			},
		}},
	})
}

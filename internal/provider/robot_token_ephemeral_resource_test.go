package provider

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// TestAccRobotToken_ephemeralNeverStored hands a robot's token from the
// ephemeral resource to a write-only attribute (a user's password) and
// checks that the token reached Quay, yet appears in no state file, no
// plan file and no TF_LOG=trace output.
func TestAccRobotToken_ephemeralNeverStored(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "trace.log")
	h := newCLIHarness(t, emulator.New(emulator.DefaultConfig()), "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	base := `
resource "quay_organization" "o" {
  name  = "eph"
  email = "eph@example.com"
}
resource "quay_robot" "ci" {
  namespace = quay_organization.o.name
  name      = "ci"
}
`
	h.writeConfig(base)
	h.untilSuccess("apply of the robot", "apply", "-input=false", "-no-color", "-auto-approve")
	h.writeConfig(base + `
ephemeral "quay_robot_token" "ci" {
  namespace = quay_robot.ci.namespace
  name      = quay_robot.ci.name
}
resource "quay_user" "courier" {
  username            = "courier"
  password_wo         = ephemeral.quay_robot_token.ci.token
  password_wo_version = 1
}
`)
	if out, err := h.run("plan", "-input=false", "-no-color", "-out=tfplan"); err != nil {
		t.Fatalf("plan: %v\n%s", err, tail(out))
	}
	if out, err := h.run("apply", "-input=false", "-no-color", "tfplan"); err != nil {
		t.Fatalf("apply of the plan: %v\n%s", err, tail(out))
	}
	robot, err := quay.New(h.srv.URL, quay.WithToken(h.emu.IssueToken("admin")))
	if err != nil {
		t.Fatal(err)
	}
	r, err := robot.GetRobot(context.Background(), quay.RobotOwner{Namespace: "eph"}, "ci")
	if err != nil || r.Token == nil {
		t.Fatalf("reading the robot: %+v %v", r, err)
	}
	token := *r.Token
	// The token went where it was sent: it is the user's password now.
	if err := pushImage(h.srv.URL, "courier", token, "courier/check", "v1"); err != nil {
		t.Fatalf("the user's password is not the robot's token: %v", err)
	}
	places := map[string]string{
		"state file":  readFile(t, filepath.Join(h.dir, "terraform.tfstate")),
		"plan file":   planFileText(t, filepath.Join(h.dir, "tfplan")),
		"trace log":   readFile(t, logPath),
		"show output": func() string { out, _ := h.run("show", "-json", "-no-color"); return out }(),
	}
	for where, text := range places {
		if len(text) < 100 {
			t.Errorf("%s is suspiciously short (%d bytes): the check would prove nothing", where, len(text))
		}
		if strings.Contains(text, token) {
			t.Errorf("the robot's token appears in the %s", where)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// planFileText is every file inside a saved plan (a zip archive), joined.
func planFileText(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("opening the plan file: %v", err)
	}
	defer zr.Close()
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// The data source, for CLIs without ephemeral resources, does store the
// token (sensitive), and it is the robot's current one.
func TestAccRobotTokenDataSource(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRobotFixtureDestroy,
		Steps: []resource.TestStep{{
			Config: robotConfig(org, "") + `
data "quay_robot_token" "ci" {
  namespace = quay_robot.ci.namespace
  name      = quay_robot.ci.name
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.quay_robot_token.ci", tfjsonpath.New("full_name"), knownvalue.StringExact(org+"+ci")),
			},
			Check: func(s *terraform.State) error {
				got := s.RootModule().Resources["data.quay_robot_token.ci"].Primary.Attributes["token"]
				if want := robotToken(t, orgRobot(org), "ci"); got != want {
					return fmt.Errorf("data source token differs from Quay's (%d vs %d characters)", len(got), len(want))
				}
				return nil
			},
		}},
	})
}

// The ephemeral resource opens through the test framework too (Terraform
// 1.10+), here feeding an ephemeral-only check on a real or emulated Quay.
func TestAccRobotToken_ephemeralOpens(t *testing.T) {
	org := acctest.RandomWithPrefix("tfacc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyVersionChecks,
		CheckDestroy:             testAccCheckRobotFixtureDestroy,
		Steps: []resource.TestStep{
			{Config: robotConfig(org, "")},
			{
				Config: robotConfig(org, "") + fmt.Sprintf(`
ephemeral "quay_robot_token" "ci" {
  namespace = quay_robot.ci.namespace
  name      = quay_robot.ci.name
}
resource "quay_user" "courier" {
  username            = "%s-courier"
  password_wo         = ephemeral.quay_robot_token.ci.token
  password_wo_version = 1
}
`, org),
				Check: func(*terraform.State) error {
					err := pushImage(os.Getenv("QUAY_URL"), org+"-courier", robotToken(t, orgRobot(org), "ci"), org+"-courier/check", "v1")
					return err
				},
			},
		},
	})
}

package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// secretAttributes are state attributes whose values must never be logged.
var secretAttributes = []string{"client_secret", "private_key", "password", "generated_password", "token"}

// TestAccSecretsNotLogged applies a configuration with TF_LOG=TRACE for both
// Terraform and the provider, then checks that no secret value (the API
// token, or any secret attribute in state) appears anywhere in the logs.
func TestAccSecretsNotLogged(t *testing.T) {
	logDir := t.TempDir()
	logPath := filepath.Join(logDir, "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)

	proxyPassword := "upstream-" + acctest.RandString(16)
	userPassword := "user-" + acctest.RandString(16)
	mirrorPassword := "mirror-" + acctest.RandString(16)
	secrets := map[string]bool{os.Getenv("QUAY_TOKEN"): true, proxyPassword: true, userPassword: true, mirrorPassword: true}
	collect := func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			for _, attr := range secretAttributes {
				if v := rs.Primary.Attributes[attr]; len(v) >= 8 {
					secrets[v] = true
				}
			}
		}
		return nil
	}

	name := acctest.RandomWithPrefix("tfacc")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyVersionChecks,
		CheckDestroy:             testAccCheckUserDestroy,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name  = %q
  email = "%s@example.com"
}
data "quay_organization" "test" { name = quay_organization.test.name }
resource "quay_oauth_application" "test" {
  organization = quay_organization.test.name
  name         = "logged"
}
resource "quay_proxy_cache" "test" {
  organization                          = quay_organization.test.name
  upstream_registry                     = var.upstream
  upstream_registry_username            = "robot"
  upstream_registry_password_wo         = var.proxy_password
  upstream_registry_password_wo_version = 1
}
resource "quay_user" "test" {
  username            = "%s-user"
  password_wo         = var.user_password
  password_wo_version = 1
}
resource "quay_user" "generated" {
  username = "%s-gen"
}
variable "upstream" { type = string }
variable "proxy_password" {
  type      = string
  sensitive = true
}
variable "user_password" {
  type      = string
  sensitive = true
}
resource "quay_robot" "mirror" {
  namespace = quay_organization.test.name
  name      = "mirror"
}
resource "quay_repository" "mirrored" {
  namespace     = quay_organization.test.name
  name          = "mirrored"
  force_destroy = true
  depends_on    = [quay_robot.mirror]
}
resource "quay_repository_mirror" "m" {
  repository                            = "${quay_repository.mirrored.namespace}/${quay_repository.mirrored.name}"
  external_reference                    = "quay.io/prometheus/node-exporter"
  root_rule                             = ["v1.*"]
  robot_username                        = quay_robot.mirror.full_name
  sync_interval                         = 3600
  external_registry_username            = "puller"
  external_registry_password_wo         = var.mirror_password
  external_registry_password_wo_version = 1
}
variable "mirror_password" {
  type      = string
  sensitive = true
}
`, name, name, name, name),
			// Secrets come in as variables, as in real use, not as literals
			// that the test harness would log with the configuration.
			ConfigVariables: config.Variables{
				"upstream":        config.StringVariable(testUpstream()),
				"proxy_password":  config.StringVariable(proxyPassword),
				"user_password":   config.StringVariable(userPassword),
				"mirror_password": config.StringVariable(mirrorPassword),
			},
			Check: collect,
		}},
	})

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	if len(logs) < 10000 || !strings.Contains(string(logs), "Quay request") {
		t.Fatalf("trace log looks incomplete (%d bytes); the check would prove nothing", len(logs))
	}
	for secret := range secrets {
		if strings.Contains(string(logs), secret) {
			i := strings.Index(string(logs), secret)
			context := string(logs[max(0, i-300):i])
			t.Errorf("a secret value (%d characters, starting %q) appears in the TF_LOG=TRACE output after: %q", len(secret), secret[:3], context)
		}
	}
	if len(secrets) < 5 {
		t.Fatalf("only %d secrets collected; the client secret and generated password should be among them", len(secrets))
	}
	t.Logf("checked %d secret values against %d bytes of trace logs", len(secrets), len(logs))
}

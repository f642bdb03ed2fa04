package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

	secrets := map[string]bool{os.Getenv("QUAY_TOKEN"): true}
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
		CheckDestroy:             testAccCheckOrganizationDestroy,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "quay_organization" "test" {
  name  = %q
  email = "%s@example.com"
}
data "quay_organization" "test" { name = quay_organization.test.name }
`, name, name),
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
			t.Errorf("a secret value (%d characters, starting %q) appears in the TF_LOG=TRACE output", len(secret), secret[:3])
		}
	}
	t.Logf("checked %d secret values against %d bytes of trace logs", len(secrets), len(logs))
}

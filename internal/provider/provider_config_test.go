package provider

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A data source read forces the provider to be configured.
const configProbe = `data "quay_organization" "probe" { name = "tfacc-probe" }`

func providerConfigTest(t *testing.T, providerBlock string, want string) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock + "\n" + configProbe,
			ExpectError: regexp.MustCompile(want),
		}},
	})
}

func TestProviderConfig_missingURL(t *testing.T) {
	providerConfigTest(t, `provider "quay" { url = "" }`, `Missing Quay URL`)
}

func TestProviderConfig_missingToken(t *testing.T) {
	providerConfigTest(t, `provider "quay" { token = "" }`, `Missing Quay token`)
}

func TestProviderConfig_badToken(t *testing.T) {
	providerConfigTest(t, `provider "quay" { token = "NOTAVALIDTOKEN0000000000000000000000000" }`, `Quay did not accept the token`)
}

func TestProviderConfig_badURL(t *testing.T) {
	providerConfigTest(t, `provider "quay" { url = "quay.example.com" }`, `Invalid Quay URL`)
}

func TestProviderConfig_unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	providerConfigTest(t, fmt.Sprintf(`provider "quay" {
  url         = "http://%s"
  max_retries = 0
}`, addr), `Unable to reach Quay`)
}

func TestProviderConfig_notAQuay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body>Not here</body></html>"))
	}))
	defer srv.Close()
	providerConfigTest(t, fmt.Sprintf(`provider "quay" { url = %q }`, srv.URL), `does not look like a Quay API`)
}

func TestProviderConfig_insecureWithCA(t *testing.T) {
	providerConfigTest(t, `provider "quay" {
  insecure_skip_verify = true
  ca_cert_pem          = "-----BEGIN CERTIFICATE-----"
}`, `Conflicting TLS settings`)
}

func TestProviderConfig_unknownValue(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "url" { input = "http://127.0.0.1:1" }
provider "quay" { url = terraform_data.url.output }
` + configProbe,
			ExpectError: regexp.MustCompile(`Unknown Quay provider setting`),
		}},
	})
}

func TestProviderConfig_badEnvironment(t *testing.T) {
	t.Setenv("QUAY_INSECURE", "maybe")
	providerConfigTest(t, `provider "quay" {}`, `QUAY_INSECURE="maybe" is not a boolean`)
}

func TestSettingsPrecedence(t *testing.T) {
	t.Setenv("QUAY_TEST_SETTING", "from-env")
	if got := stringSetting(types.StringValue("from-config"), "QUAY_TEST_SETTING"); got != "from-config" {
		t.Errorf("config should win: %q", got)
	}
	if got := stringSetting(types.StringNull(), "QUAY_TEST_SETTING"); got != "from-env" {
		t.Errorf("env should be used: %q", got)
	}
	os.Unsetenv("QUAY_TEST_SETTING")
	if got, err := intSetting(types.Int64Null(), "QUAY_TEST_SETTING", 42); got != 42 || err != nil {
		t.Errorf("default should be used: %d %v", got, err)
	}
	t.Setenv("QUAY_TEST_SETTING", "7")
	if got, _ := intSetting(types.Int64Null(), "QUAY_TEST_SETTING", 42); got != 7 {
		t.Errorf("env int: %d", got)
	}
}

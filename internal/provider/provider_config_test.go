package provider

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
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
	providerConfigTest(t, `provider "quay" { url = "quay.example.com" }`, wrappedError("Invalid Quay URL", `it needs a scheme; write "https://quay.example.com"`).String())
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
	r := intRange{env: "QUAY_TEST_SETTING", def: 42, min: 1, max: 100}
	os.Unsetenv("QUAY_TEST_SETTING")
	if got, err := r.value(types.Int64Null()); got != 42 || err != nil {
		t.Errorf("default should be used: %d %v", got, err)
	}
	t.Setenv("QUAY_TEST_SETTING", "7")
	if got, _ := r.value(types.Int64Null()); got != 7 {
		t.Errorf("env int: %d", got)
	}
	if got, _ := r.value(types.Int64Value(9)); got != 9 {
		t.Errorf("config int should win: %d", got)
	}
}

// Environment variables are held to the attributes' ranges, with an error
// at plan that names the variable and the range.
func TestProviderConfig_environmentRanges(t *testing.T) {
	cases := []struct{ env, value, want string }{
		{"QUAY_REQUEST_TIMEOUT", "0", `QUAY_REQUEST_TIMEOUT="0" must be a whole number from 1 to 3600 seconds`},
		{"QUAY_REQUEST_TIMEOUT", "999999", `QUAY_REQUEST_TIMEOUT="999999" must be a whole number from 1 to 3600 seconds`},
		{"QUAY_REQUEST_TIMEOUT", "ten", `QUAY_REQUEST_TIMEOUT="ten" must be a whole number from 1 to 3600`},
		{"QUAY_MAX_RETRIES", "1000", `QUAY_MAX_RETRIES="1000" must be a whole number from 0 to 20`},
		{"QUAY_MAX_RETRIES", "-1", `QUAY_MAX_RETRIES="-1" must be a whole number from 0 to 20`},
	}
	for _, tc := range cases {
		t.Run(tc.env+"="+tc.value, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			providerConfigTest(t, `provider "quay" {}`, regexp.QuoteMeta(tc.want))
		})
	}
}

// A trailing /api/v1 in the URL is accepted: the calls still reach Quay.
func TestProviderConfig_apiSuffixAccepted(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "quay" { url = %q }
data "quay_users" "all" {}`, strings.TrimRight(os.Getenv("QUAY_URL"), "/")+"/api/v1/"),
		}},
	})
}

// A password in the URL is refused, and neither the error nor the
// TF_LOG=TRACE output of Terraform and the provider repeats it.
func TestProviderConfig_credentialsInURL(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	const password = "hunter2-in-the-url"
	for _, where := range []string{"config", "env"} {
		t.Run(where, func(t *testing.T) {
			// As in real use, the URL comes from a variable or the
			// environment, not a literal that the harness would log.
			block := "variable \"url\" { type = string }\nprovider \"quay\" {\n  url = var.url\n}\n"
			vars := config.Variables{"url": config.StringVariable("https://alice:" + password + "@quay.example.com")}
			if where == "env" {
				t.Setenv("QUAY_URL", "https://alice:"+password+"@quay.example.com")
				block, vars = "provider \"quay\" {\n}\n", nil
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:          block + configProbe,
					ConfigVariables: vars,
					ExpectError:     wrappedError("Invalid Quay URL", "must not contain a user name or password"),
				}},
				ErrorCheck: func(err error) error {
					if strings.Contains(err.Error(), password) {
						t.Errorf("the error repeats the URL's password: %v", err)
					}
					return err
				},
			})
		})
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	if len(logs) < 1000 {
		t.Fatalf("trace log looks incomplete (%d bytes); the check would prove nothing", len(logs))
	}
	if i := strings.Index(string(logs), password); i >= 0 {
		t.Errorf("the URL's password appears in the TF_LOG=TRACE output: %q", string(logs[max(0, i-200):i]))
	}
}

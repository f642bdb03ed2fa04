package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// cliHarness drives the Terraform CLI directly against a provider binary
// built from this tree (with the race detector) and an emulator of the
// test's own (or, for some tests, the tests' Quay), for tests that need more than terraform-plugin-testing
// offers: re-running failed applies, -parallelism, `terraform show`.
type cliHarness struct {
	t   *testing.T
	emu *emulator.Server // nil when driving a real Quay
	dir string
	env []string
	tf  string
	srv *httptest.Server
}

var (
	raceProviderOnce sync.Once
	raceProviderDir  string
	raceProviderErr  error
)

// raceProvider builds the provider once per test run, with -race.
func raceProvider(t *testing.T) string {
	raceProviderOnce.Do(func() {
		raceProviderDir, raceProviderErr = os.MkdirTemp("", "quay-provider-bin-") //nolint:usetesting // shared by every test of the run
		if raceProviderErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-race", "-o", filepath.Join(raceProviderDir, "terraform-provider-quay"), "../..").CombinedOutput()
		if err != nil {
			raceProviderErr = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	if raceProviderErr != nil {
		t.Fatal(raceProviderErr)
	}
	return raceProviderDir
}

func newCLIHarness(t *testing.T, emu *emulator.Server, extraEnv ...string) *cliHarness {
	t.Helper()
	tfPath := harnessCLI(t)
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	h := newHarnessFor(t, tfPath, srv.URL, token, extraEnv...)
	h.emu, h.srv = emu, srv
	return h
}

// harnessCLI is the CLI the harness runs, or a skip when there is none.
func harnessCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI: set TF_ACC=1")
	}
	tfPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfPath == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH names no Terraform CLI")
	}
	return tfPath
}

// newHarnessFor drives the CLI against the Quay at url (an emulator or a
// real Quay) with token.
func newHarnessFor(t *testing.T, tfPath, url, token string, extraEnv ...string) *cliHarness {
	t.Helper()
	bin := raceProvider(t)
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/quaytf/quay" = %q
    "registry.opentofu.org/quaytf/quay" = %q
  }
  direct {}
}
`, bin, bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "QUAY_URL="+url, "QUAY_TOKEN="+token,
		"TF_LOG=", "TF_ACC_LOG_PATH=")
	env = append(env, extraEnv...)
	return &cliHarness{t: t, dir: work, env: env, tf: tfPath}
}

const harnessProvider = "terraform {\n  required_providers {\n    quay = { source = \"quaytf/quay\" }\n  }\n}\nprovider \"quay\" {}\n"

func (h *cliHarness) writeConfig(body string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, "main.tf"), []byte(harnessProvider+body), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func (h *cliHarness) run(args ...string) (string, error) {
	cmd := exec.Command(h.tf, append([]string{"-chdir=" + h.dir}, args...)...)
	cmd.Env = h.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// untilSuccess re-runs a command that failed (under faults), as a user would.
func (h *cliHarness) untilSuccess(what string, args ...string) {
	h.t.Helper()
	var out string
	var err error
	for attempt := 1; attempt <= 6; attempt++ {
		if out, err = h.run(args...); err == nil {
			if attempt > 1 {
				h.t.Logf("%s succeeded on attempt %d", what, attempt)
			}
			return
		}
		h.t.Logf("%s attempt %d failed: %s", what, attempt, errorLines(out))
	}
	h.t.Fatalf("%s kept failing: %v\n%s", what, err, tail(out))
}

// expectEmptyPlan fails unless a refreshing plan finds nothing to change.
func (h *cliHarness) expectEmptyPlan(what string) {
	h.t.Helper()
	if out, err := h.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		h.t.Fatalf("%s: the plan is not empty (%v):\n%s", what, err, tail(out))
	}
}

// stateResource is one managed resource from `terraform show -json`.
type stateResource struct {
	Type   string         `json:"type"`
	Mode   string         `json:"mode"`
	Values map[string]any `json:"values"`
}

func (h *cliHarness) state() []stateResource {
	h.t.Helper()
	out, err := h.run("show", "-json", "-no-color")
	if err != nil {
		h.t.Fatalf("terraform show: %v\n%s", err, out)
	}
	var st struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		h.t.Fatalf("decoding terraform show -json: %v", err)
	}
	var managed []stateResource
	for _, r := range st.Values.RootModule.Resources {
		if r.Mode == "managed" {
			managed = append(managed, r)
		}
	}
	return managed
}

// errorLines keeps the lines of CLI output that explain a failure.
func errorLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Error:") || strings.Contains(l, "Quay answered") || strings.Contains(l, ": HTTP ") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, " | ")
}

// tail keeps the end of long CLI output, where the errors are.
func tail(s string) string {
	const n = 3000
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// soakKind ties a resource type to the way its objects are counted on
// both sides: natural keys from Terraform state and from the emulator.
type soakKind struct {
	typ      string
	stateKey func(values map[string]any) string
	quayKeys func(emu *emulator.Server) []string
}

var soakKinds = []soakKind{
	{
		typ:      "quay_organization",
		stateKey: func(v map[string]any) string { return str(v["name"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.Organizations() },
	},
}

// soakConfig is the configuration of one cycle: objects come and go and
// settings change from cycle to cycle.
func soakConfig(prefix string, cycle int) string {
	var b strings.Builder
	expirations := []int{0, 86400, 604800, 1209600, 2419200}
	orgs := 4 + cycle%3
	for i := 0; i < orgs; i++ {
		fmt.Fprintf(&b, `resource "quay_organization" "o%d" {
  name             = "%s-o%d"
  email            = "%s-o%d-c%d@example.com"
  tag_expiration_s = %d
}
`, i, prefix, i, prefix, i, cycle%2, expirations[(i+cycle)%len(expirations)])
	}
	return b.String()
}

// TestSoakFaults applies, changes and destroys a configuration for several
// cycles against an emulator that fails a fraction of requests (429 with
// Retry-After, 500, 502, 503, slow answers, connections cut before or after
// the change). A failed apply is re-run as a user would. After every cycle
// Quay's objects must match Terraform's state exactly (nothing missing,
// duplicated or orphaned), a fault-free plan must be empty, and after the
// final destroy nothing may be left. QUAY_SOAK_CYCLES (default 2) and
// QUAY_SOAK_FAULT_RATE (default 0.1) make it longer or harsher.
func TestSoakFaults(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI: set TF_ACC=1")
	}
	cycles := envInt(t, "QUAY_SOAK_CYCLES", 2)
	rate := 0.1
	if s := os.Getenv("QUAY_SOAK_FAULT_RATE"); s != "" {
		var err error
		if rate, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatalf("QUAY_SOAK_FAULT_RATE: %v", err)
		}
	}
	tfPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfPath == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH names no Terraform CLI")
	}

	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	srv := httptest.NewServer(emu)
	defer srv.Close()
	emu.SetBaseURL(srv.URL)
	faults := emulator.Faults{
		Rate:      rate,
		Kinds:     []emulator.FaultKind{emulator.Fault429, emulator.Fault500, emulator.Fault502, emulator.Fault503, emulator.FaultSlow, emulator.FaultCutBefore, emulator.FaultCutAfter, emulator.FaultErrorAfter},
		SlowDelay: 300 * time.Millisecond,
		Seed:      42,
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-quay"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/quaytf/quay" = %q
    "registry.opentofu.org/quaytf/quay" = %q
  }
  direct {}
}
`, bin, bin)), 0o600)
	work := filepath.Join(dir, "work")
	os.MkdirAll(work, 0o755)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "QUAY_URL="+srv.URL, "QUAY_TOKEN="+token,
		"QUAY_REQUEST_TIMEOUT=5", "QUAY_MAX_RETRIES=8", "TF_LOG=", "TF_ACC_LOG_PATH=")
	tf := func(args ...string) (string, error) {
		cmd := exec.Command(tfPath, append([]string{"-chdir=" + work}, args...)...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	// untilSuccess re-runs a command that failed under faults, as a user would.
	untilSuccess := func(what string, args ...string) {
		t.Helper()
		var out string
		var err error
		for attempt := 1; attempt <= 6; attempt++ {
			if out, err = tf(args...); err == nil {
				if attempt > 1 {
					t.Logf("%s succeeded on attempt %d", what, attempt)
				}
				return
			}
			t.Logf("%s attempt %d failed: %s", what, attempt, errorLines(out))
		}
		t.Fatalf("%s kept failing: %v\n%s", what, err, tail(out, 3000))
	}

	prefix := "soak" + strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	providerBlock := "terraform {\n  required_providers {\n    quay = { source = \"quaytf/quay\" }\n  }\n}\nprovider \"quay\" {}\n"
	for cycle := 0; cycle < cycles; cycle++ {
		os.WriteFile(filepath.Join(work, "main.tf"), []byte(providerBlock+soakConfig(prefix, cycle)), 0o600)
		emu.SetFaults(faults)
		untilSuccess(fmt.Sprintf("cycle %d apply", cycle), "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
		emu.SetFaults(emulator.Faults{})
		compareSoakState(t, emu, prefix, tf)
		if out, err := tf("plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
			t.Fatalf("cycle %d: plan after a converged apply is not empty (%v):\n%s", cycle, err, tail(out, 3000))
		}
	}
	emu.SetFaults(faults)
	untilSuccess("destroy", "destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	emu.SetFaults(emulator.Faults{})
	for _, k := range soakKinds {
		if left := withPrefix(k.quayKeys(emu), prefix); len(left) > 0 {
			t.Errorf("%s left in Quay after destroy: %v", k.typ, left)
		}
	}
	t.Logf("%d cycles at fault rate %.2f; requests by route:\n%s", cycles, rate, emu.CountsSummary())
}

// compareSoakState checks that, for every kind, the objects in Quay with the
// test's prefix are exactly those in Terraform's state.
func compareSoakState(t *testing.T, emu *emulator.Server, prefix string, tf func(...string) (string, error)) {
	t.Helper()
	out, err := tf("show", "-json", "-no-color")
	if err != nil {
		t.Fatalf("terraform show: %v\n%s", err, out)
	}
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Mode   string         `json:"mode"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		t.Fatalf("decoding terraform show -json: %v", err)
	}
	for _, k := range soakKinds {
		var inState []string
		for _, r := range state.Values.RootModule.Resources {
			if r.Mode == "managed" && r.Type == k.typ {
				inState = append(inState, k.stateKey(r.Values))
			}
		}
		inQuay := withPrefix(k.quayKeys(emu), prefix)
		sort.Strings(inState)
		sort.Strings(inQuay)
		if !slices.Equal(inState, inQuay) {
			t.Fatalf("%s: Quay has %v, state has %v", k.typ, inQuay, inState)
		}
	}
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

func withPrefix(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if strings.Contains(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

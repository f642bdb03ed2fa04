// Command quay-bench measures the provider at scale: for configurations of
// N resources it times terraform apply, a no-change plan, an update of 10%
// of the resources and destroy, counts the API requests each phase makes
// (from the emulator's counters), samples the provider's peak memory, and
// compares wall time with the lower bound requests × latency / parallelism.
// It writes a table to the terminal, results.json and a PNG chart.
//
// By default it runs against an in-process Quay emulator on 127.0.0.1 with
// a fixed latency per request; with QUAY_URL and QUAY_TOKEN set it runs
// against that Quay instead (no latency setting, no request counts).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// Result is one phase at one size.
type Result struct {
	N                   int            `json:"n"`
	Phase               string         `json:"phase"`
	WallSeconds         float64        `json:"wall_seconds"`
	Requests            int            `json:"requests"`
	RequestsPerResource float64        `json:"requests_per_resource"`
	LowerBoundSeconds   float64        `json:"lower_bound_seconds"`
	RatioToLowerBound   float64        `json:"ratio_to_lower_bound"`
	ProviderPeakMiB     float64        `json:"provider_peak_mib"`
	ByRoute             map[string]int `json:"requests_by_route,omitempty"`
}

func main() {
	sizes := flag.String("n", envOr("BENCH_N", "50 200 1000"), "resource counts, separated by spaces or commas")
	latency := flag.Duration("latency", 20*time.Millisecond, "emulator latency per request")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	outDir := flag.String("out", "bench-results", "directory for results.json and chart.png")
	tfPath := flag.String("terraform", envOr("TF_ACC_TERRAFORM_PATH", "terraform"), "terraform or tofu binary")
	flag.Parse()

	var ns []int
	for _, f := range strings.FieldsFunc(*sizes, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 10 {
			log.Fatalf("bad size %q: want whole numbers of at least 10", f)
		}
		ns = append(ns, n)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		log.Fatal(err)
	}
	work, err := os.MkdirTemp("", "quay-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(work) }()

	bin := filepath.Join(work, "bin")
	log.Printf("building the provider")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-quay"), ".").CombinedOutput(); err != nil {
		log.Fatalf("go build: %v\n%s", err, out)
	}

	url, token := os.Getenv("QUAY_URL"), os.Getenv("QUAY_TOKEN")
	var emu *emulator.Server
	if url == "" || token == "" {
		cfg := emulator.DefaultConfig()
		cfg.Latency = *latency
		emu = emulator.New(cfg)
		emu.AddUser("admin", "admin@example.com", true)
		token = emu.IssueToken("admin")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		url = "http://" + ln.Addr().String()
		emu.SetBaseURL(url)
		srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer func() { _ = srv.Close() }()
		log.Printf("emulator on %s with %s latency", url, *latency)
	} else {
		*latency = 0
		log.Printf("running against %s (no latency setting, no request counts)", url)
	}

	cliConfig := filepath.Join(work, "terraformrc")
	_ = os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/quaytf/quay" = %q
    "registry.opentofu.org/quaytf/quay" = %q
  }
  direct {}
}
`, bin, bin)), 0o600)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "QUAY_URL="+url, "QUAY_TOKEN="+token)

	var results []Result
	prefix := "bench" + strconv.FormatInt(time.Now().Unix()%100000, 36)
	for _, n := range ns {
		dir := filepath.Join(work, fmt.Sprintf("n%d", n))
		_ = os.MkdirAll(dir, 0o755)
		run := func(phase string, args ...string) {
			if phase != "" && emu != nil {
				emu.ResetCounts()
			}
			cmd := exec.Command(*tfPath, append([]string{"-chdir=" + dir}, args...)...)
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			peak := sampler(bin)
			start := time.Now()
			err := cmd.Run()
			wall := time.Since(start)
			peakMiB := peak()
			if err != nil && !(phase == "plan" && cmd.ProcessState.ExitCode() == 2) {
				log.Fatalf("N=%d %s: %v\n%s", n, strings.Join(args, " "), err, tailOf(out.String()))
			}
			if phase == "" {
				return
			}
			r := Result{N: n, Phase: phase, WallSeconds: wall.Seconds(), ProviderPeakMiB: peakMiB}
			if emu != nil {
				r.ByRoute = emu.Counts()
				for _, c := range r.ByRoute {
					r.Requests += c
				}
				r.RequestsPerResource = float64(r.Requests) / float64(n)
				r.LowerBoundSeconds = float64(r.Requests) * latency.Seconds() / float64(*parallelism)
				if r.LowerBoundSeconds > 0 {
					r.RatioToLowerBound = r.WallSeconds / r.LowerBoundSeconds
				}
			}
			log.Printf("N=%d %-8s %7.2fs  %5d requests (%.2f/resource)  ratio %.2f  peak %.1f MiB", n, phase, r.WallSeconds, r.Requests, r.RequestsPerResource, r.RatioToLowerBound, r.ProviderPeakMiB)
			results = append(results, r)
		}
		par := fmt.Sprintf("-parallelism=%d", *parallelism)
		writeConfig(dir, generate(prefix+strconv.Itoa(n), n, false))
		run("apply", "apply", "-auto-approve", "-input=false", "-no-color", par)
		run("plan", "plan", "-input=false", "-no-color", "-detailed-exitcode", par)
		writeConfig(dir, generate(prefix+strconv.Itoa(n), n, true))
		run("update", "apply", "-auto-approve", "-input=false", "-no-color", par)
		run("destroy", "destroy", "-auto-approve", "-input=false", "-no-color", par)
	}

	printTable(results)
	data, _ := json.MarshalIndent(results, "", "  ")
	if err := os.WriteFile(filepath.Join(*outDir, "results.json"), data, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := drawChart(filepath.Join(*outDir, "chart.png"), results); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s and %s", filepath.Join(*outDir, "results.json"), filepath.Join(*outDir, "chart.png"))
}

func writeConfig(dir, body string) {
	header := "terraform {\n  required_providers {\n    quay = { source = \"quaytf/quay\" }\n  }\n}\nprovider \"quay\" {}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(header+body), 0o644); err != nil {
		log.Fatal(err)
	}
}

// sampler polls /proc for provider processes started from bin and returns
// a function that stops and reports the highest peak RSS (VmHWM) seen.
func sampler(bin string) func() float64 {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var peakKiB int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			if k := providerPeakKiB(bin); k > 0 {
				mu.Lock()
				peakKiB = max(peakKiB, k)
				mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return float64(peakKiB) / 1024
	}
}

func providerPeakKiB(bin string) int64 {
	entries, _ := os.ReadDir("/proc")
	var best int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		exe, err := os.Readlink("/proc/" + e.Name() + "/exe")
		if err != nil || !strings.HasPrefix(exe, bin) {
			continue
		}
		status, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				if k, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					best = max(best, k)
				}
			}
		}
	}
	return best
}

func printTable(results []Result) {
	fmt.Printf("\n%6s  %-8s  %8s  %9s  %9s  %9s  %7s  %9s\n", "N", "phase", "wall s", "requests", "req/res", "bound s", "ratio", "peak MiB")
	for _, r := range results {
		fmt.Printf("%6d  %-8s  %8.2f  %9d  %9.2f  %9.2f  %7.2f  %9.1f\n", r.N, r.Phase, r.WallSeconds, r.Requests, r.RequestsPerResource, r.LowerBoundSeconds, r.RatioToLowerBound, r.ProviderPeakMiB)
	}
	fmt.Println()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func tailOf(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

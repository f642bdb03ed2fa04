// Command quay-bench measures the provider at scale: for configurations of
// N resources it times terraform apply, a no-change plan, an update of 10%
// of the resources and destroy, counts the API requests each phase makes
// (from the emulator's counters endpoint), samples the provider's peak memory,
// splits the CPU time between Terraform, the provider and the emulator, and
// compares wall time with the lower bound requests × latency / parallelism.
// It writes a table to the terminal, results.json and a PNG chart.
//
// State goes to an http backend served by this process, as a pipeline's
// remote state would (-backend local for a state file: Terraform then
// rewrites the whole file after every resource, which costs it O(N²)).
//
// By default it runs against an in-process Quay emulator on 127.0.0.1 with
// a fixed latency per request; with QUAY_URL and QUAY_TOKEN set it runs
// against that server instead (no latency setting; request counts only when
// it is an emulator, e.g. a quay-emulator started by hand).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
	TerraformCPUSeconds float64        `json:"terraform_cpu_seconds"`
	ProviderCPUSeconds  float64        `json:"provider_cpu_seconds"`
	EmulatorCPUSeconds  float64        `json:"emulator_cpu_seconds,omitempty"`
	Backend             string         `json:"backend"`
	ByRoute             map[string]int `json:"requests_by_route,omitempty"`
}

func main() {
	sizes := flag.String("n", envOr("BENCH_N", "50 200 1000"), "resource counts, separated by spaces or commas")
	latency := flag.Duration("latency", 20*time.Millisecond, "emulator latency per request")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	outDir := flag.String("out", "bench-results", "directory for results.json and chart.png")
	tfPath := flag.String("terraform", envOr("TF_ACC_TERRAFORM_PATH", "terraform"), "terraform or tofu binary")
	keep := flag.Bool("keep", false, "keep the working directory (provider binary, configurations, state) for a closer look")
	backend := flag.String("backend", "http", "state backend: http (a state server in this process, as a pipeline's remote state) or local (a state file)")
	flag.Parse()

	if *backend != "http" && *backend != "local" {
		log.Fatalf("bad -backend %q: want http or local", *backend)
	}
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
	if *keep {
		log.Printf("keeping the working directory %s", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}

	// The provider is installed from a filesystem mirror, as a pipeline
	// installs a released one, so that `terraform init` works offline.
	mirror := filepath.Join(work, "mirror")
	log.Printf("building the provider")
	built := filepath.Join(work, "terraform-provider-quay")
	if out, err := exec.Command("go", "build", "-o", built, ".").CombinedOutput(); err != nil {
		log.Fatalf("go build: %v\n%s", err, out)
	}
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(mirror, host, "quaytf", "quay", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.Link(built, filepath.Join(dir, "terraform-provider-quay_v0.0.1")); err != nil {
			log.Fatal(err)
		}
	}

	url, token := os.Getenv("QUAY_URL"), os.Getenv("QUAY_TOKEN")
	var emu *emulator.Server
	if url == "" || token == "" {
		cfg := emulator.DefaultConfig()
		cfg.Latency = *latency
		emu = emulator.New(cfg)
		emu.AddUser("admin", "admin@example.com", true)
		token = emu.IssueToken("admin")
		var stop func()
		url, stop = serveLoopback(emu)
		defer stop()
		emu.SetBaseURL(url)
		log.Printf("emulator on %s with %s latency", url, *latency)
	} else {
		*latency = 0
		log.Printf("running against %s (no latency setting)", url)
	}
	count := probeCounters(url)
	if count == nil {
		log.Printf("%s has no %s: no request counts", url, emulator.RequestsPath)
	}

	cliConfig := filepath.Join(work, "terraformrc")
	_ = os.WriteFile(cliConfig, []byte(fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror)), 0o600)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "QUAY_URL="+url, "QUAY_TOKEN="+token)

	stateURL := ""
	if *backend == "http" {
		stateURL = serveState()
	}

	var results []Result
	prefix := "bench" + strconv.FormatInt(time.Now().Unix()%100000, 36)
	for _, n := range ns {
		dir := filepath.Join(work, fmt.Sprintf("n%d", n))
		_ = os.MkdirAll(dir, 0o755)
		run := func(phase string, args ...string) {
			if phase != "" && count != nil {
				if err := count.reset(); err != nil {
					log.Fatal(err)
				}
			}
			cmd := exec.Command(*tfPath, append([]string{"-chdir=" + dir}, args...)...)
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			peak := sampler(work)
			selfCPU := processCPU()
			start := time.Now()
			err := cmd.Run()
			wall := time.Since(start)
			peakMiB, providerCPU := peak()
			emulatorCPU := processCPU() - selfCPU
			if err != nil && !(phase == "plan" && cmd.ProcessState.ExitCode() == 2) {
				log.Fatalf("N=%d %s: %v\n%s", n, strings.Join(args, " "), err, tailOf(out.String()))
			}
			if phase == "" {
				return
			}
			// Terraform's usage includes the provider processes it waited for.
			tfCPU := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds() - providerCPU
			r := Result{N: n, Phase: phase, Backend: *backend, WallSeconds: wall.Seconds(), ProviderPeakMiB: peakMiB,
				TerraformCPUSeconds: tfCPU, ProviderCPUSeconds: providerCPU}
			if emu != nil {
				r.EmulatorCPUSeconds = emulatorCPU
			}
			if count != nil {
				byRoute, total, err := count.read()
				if err != nil {
					log.Fatal(err)
				}
				r.ByRoute, r.Requests = byRoute, total
				r.RequestsPerResource = float64(r.Requests) / float64(n)
				r.LowerBoundSeconds = float64(r.Requests) * latency.Seconds() / float64(*parallelism)
				if r.LowerBoundSeconds > 0 {
					r.RatioToLowerBound = r.WallSeconds / r.LowerBoundSeconds
				}
			}
			log.Printf("N=%d %-8s %7.2fs  %5d requests (%.2f/resource)  ratio %.2f  CPU s: terraform %.2f provider %.2f  peak %.1f MiB", n, phase, r.WallSeconds, r.Requests, r.RequestsPerResource, r.RatioToLowerBound, r.TerraformCPUSeconds, r.ProviderCPUSeconds, r.ProviderPeakMiB)
			results = append(results, r)
		}
		par := fmt.Sprintf("-parallelism=%d", *parallelism)
		backendBlock := ""
		if stateURL != "" {
			backendBlock = fmt.Sprintf("terraform {\n  backend \"http\" {\n    address = %q\n  }\n}\n", stateURL+"/n"+strconv.Itoa(n))
		}
		writeConfig(dir, backendBlock+generate(prefix+strconv.Itoa(n), n, false))
		run("", "init", "-input=false", "-no-color")
		run("apply", "apply", "-auto-approve", "-input=false", "-no-color", par)
		run("plan", "plan", "-input=false", "-no-color", "-detailed-exitcode", par)
		writeConfig(dir, backendBlock+generate(prefix+strconv.Itoa(n), n, true))
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

// sampler polls /proc for provider processes started from under dir (the
// mirror, or the copy terraform init made of it) and returns
// a function that stops it and reports the highest peak RSS (VmHWM) of any
// of them in MiB and the CPU seconds they used, summed over processes (as
// last seen, so up to one poll interval of each is missed).
func sampler(dir string) func() (peakMiB, cpuSeconds float64) {
	ctx, cancel := context.WithCancel(context.Background())
	var peakKiB int64
	cpuTicks := map[string]int64{} // by pid
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			for pid, p := range providerProcesses(dir) {
				peakKiB = max(peakKiB, p.peakKiB)
				cpuTicks[pid] = max(cpuTicks[pid], p.cpuTicks)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() (float64, float64) {
		cancel()
		<-done
		var ticks int64
		for _, t := range cpuTicks {
			ticks += t
		}
		return float64(peakKiB) / 1024, float64(ticks) / clockTicksPerSecond
	}
}

// clockTicksPerSecond is the unit of /proc/PID/stat times (USER_HZ, 100 on Linux).
const clockTicksPerSecond = 100

type providerProcess struct {
	peakKiB  int64 // VmHWM
	cpuTicks int64 // utime + stime
}

func providerProcesses(dir string) map[string]providerProcess {
	entries, _ := os.ReadDir("/proc")
	out := map[string]providerProcess{}
	for _, e := range entries {
		pid := e.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		exe, err := os.Readlink("/proc/" + pid + "/exe")
		if err != nil || !strings.HasPrefix(exe, dir) || !strings.HasPrefix(filepath.Base(exe), "terraform-provider-quay") {
			continue
		}
		var p providerProcess
		if status, err := os.ReadFile("/proc/" + pid + "/status"); err == nil {
			for _, line := range strings.Split(string(status), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
					p.peakKiB, _ = strconv.ParseInt(f[1], 10, 64)
				}
			}
		}
		if stat, err := os.ReadFile("/proc/" + pid + "/stat"); err == nil {
			// Fields after the parenthesised command name; utime and stime
			// are the 14th and 15th fields of the whole line.
			if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
				if f := strings.Fields(string(stat[i+1:])); len(f) > 12 {
					u, _ := strconv.ParseInt(f[11], 10, 64)
					s, _ := strconv.ParseInt(f[12], 10, 64)
					p.cpuTicks = u + s
				}
			}
		}
		out[pid] = p
	}
	return out
}

// processCPU is the CPU time this process (the emulator and the harness)
// has used so far, in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// serveState starts a Terraform http state backend on 127.0.0.1 (GET,
// POST and DELETE of one state per path, no locking) and returns its URL.
// With it Terraform keeps state as it does with any remote backend: in
// memory during a run, sent at the end and at most every 20 seconds.
func serveState() string {
	var mu sync.Mutex
	states := map[string][]byte{}
	url, _ := serveLoopback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			if st, ok := states[r.URL.Path]; ok {
				_, _ = w.Write(st)
				return
			}
			w.WriteHeader(http.StatusNotFound)
		case http.MethodPost:
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			states[r.URL.Path] = body
		case http.MethodDelete:
			delete(states, r.URL.Path)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	}))
	return url + "/state"
}

// serveLoopback serves h on a free port of 127.0.0.1 and returns its base
// URL and a function that stops it.
func serveLoopback(h http.Handler) (url string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }
}

func printTable(results []Result) {
	fmt.Printf("\n%6s  %-8s  %8s  %9s  %8s  %8s  %6s  %8s  %8s  %8s  %8s\n", "N", "phase", "wall s", "requests", "req/res", "bound s", "ratio", "TF cpu", "prov cpu", "emu cpu", "peak MiB")
	for _, r := range results {
		fmt.Printf("%6d  %-8s  %8.2f  %9d  %8.2f  %8.2f  %6.2f  %8.2f  %8.2f  %8.2f  %8.1f\n", r.N, r.Phase, r.WallSeconds, r.Requests, r.RequestsPerResource, r.LowerBoundSeconds, r.RatioToLowerBound, r.TerraformCPUSeconds, r.ProviderCPUSeconds, r.EmulatorCPUSeconds, r.ProviderPeakMiB)
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

// Command quay-import reads a live Quay and writes a Terraform file of
// import blocks, one per object the provider can manage, with readable
// resource addresses. `terraform plan -generate-config-out=generated.tf`
// then writes the configuration. It only reads from Quay.
//
//	QUAY_URL=https://quay.example.com QUAY_TOKEN=... quay-import -out imports.tf
//	quay-import -org platform -org web,data -out imports.tf
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/inventory"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// orgFlag collects -org, repeated or comma-separated.
type orgFlag []string

func (f *orgFlag) String() string     { return strings.Join(*f, ",") }
func (f *orgFlag) Set(v string) error { *f = append(*f, v); return nil }

type options struct {
	url, token, caFile string
	insecure           bool
	orgs               []string
	includeDefaults    bool
	out                string
	parallelism        int
	quiet              bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "quay-import:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var orgs orgFlag
	fs := flag.NewFlagSet("quay-import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "base URL of the Quay instance (default $QUAY_URL)")
	fs.StringVar(&o.token, "token", "", "OAuth access token (default $QUAY_TOKEN; prefer the variable, which other users cannot see)")
	fs.BoolVar(&o.insecure, "insecure", false, "skip TLS verification (default $QUAY_INSECURE)")
	fs.StringVar(&o.caFile, "ca-cert", "", "file of PEM CA certificates to trust besides the system's (default: the PEM in $QUAY_CA_CERT_PEM)")
	fs.Var(&orgs, "org", "only this organization and what it holds (repeatable, or comma-separated); leaves out users and service keys")
	fs.BoolVar(&o.includeDefaults, "include-defaults", false, "also import what Quay makes by itself: owners teams, the token user's membership of owners, creators' admin grants, superusers, Quay's own service keys")
	fs.StringVar(&o.out, "out", "-", "file to write (- for standard output)")
	fs.IntVar(&o.parallelism, "parallelism", 4, "namespaces read at once")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on standard error")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: quay-import [flags]\n\n"+
			"Writes a Terraform import block for every Quay object the provider can manage. Then run\n"+
			"  terraform plan -generate-config-out=generated.tf\n"+
			"to write their configuration, and read the comments in the file for what to fill in.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError{err}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))}
	}
	o.orgs = inventory.ParseOrganizations(orgs)
	if o.url == "" {
		o.url = os.Getenv("QUAY_URL")
	}
	if o.token == "" {
		o.token = os.Getenv("QUAY_TOKEN")
	}
	if o.url == "" || o.token == "" {
		return o, usageError{errors.New("give the Quay URL and token: -url and -token, or QUAY_URL and QUAY_TOKEN")}
	}
	if v := os.Getenv("QUAY_INSECURE"); v != "" && !o.insecure {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, usageError{fmt.Errorf("QUAY_INSECURE=%q is not a boolean", v)}
		}
		o.insecure = b
	}
	if o.parallelism < 1 {
		return o, usageError{errors.New("-parallelism must be at least 1")}
	}
	return o, nil
}

// progressInterval is how often progress is printed on standard error.
var progressInterval = 3 * time.Second

// countingTransport counts the HTTP requests sent to Quay.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}

// lockedWriter serializes writes: progress and warnings come from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func run(args []string, stdout, stderr io.Writer) error {
	stderr = &lockedWriter{w: stderr}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	base, err := quay.NormalizeBaseURL(o.url)
	if err != nil {
		return usageError{err}
	}
	caPEM := os.Getenv("QUAY_CA_CERT_PEM")
	if o.caFile != "" {
		b, err := os.ReadFile(o.caFile)
		if err != nil {
			return usageError{err}
		}
		caPEM = string(b)
	}
	hc, err := quay.NewHTTPClient(quay.TLSOptions{CACertPEM: caPEM, InsecureSkipVerify: o.insecure}, 60*time.Second)
	if err != nil {
		return usageError{err}
	}
	counter := &countingTransport{next: hc.Transport}
	hc.Transport = counter
	client, err := quay.New(base, quay.WithToken(o.token), quay.WithHTTPClient(hc), quay.WithUserAgent("quay-import (terraform-provider-quay)"))
	if err != nil {
		return usageError{err}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	// Progress every few seconds, so that a large installation shows it is
	// moving, even while one big namespace is read.
	var done, total atomic.Int64
	progress := func(d, t int) { done.Store(int64(d)); total.Store(int64(t)) }
	walkCtx, endWalk := context.WithCancel(ctx)
	reporter := make(chan struct{})
	go func() {
		defer close(reporter)
		if o.quiet {
			return
		}
		ticker := time.NewTicker(progressInterval)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				elapsed := time.Since(start).Round(time.Second)
				if total.Load() == 0 {
					_, _ = fmt.Fprintf(stderr, "quay-import: listing organizations and users (%d requests, %s)\n", counter.n.Load(), elapsed)
					continue
				}
				_, _ = fmt.Fprintf(stderr, "quay-import: %d of %d namespaces read (%d requests, %s)\n",
					done.Load(), total.Load(), counter.n.Load(), elapsed)
			case <-walkCtx.Done():
				return
			}
		}
	}()
	warn := func(msg string) { _, _ = fmt.Fprintln(stderr, "quay-import: warning:", msg) }
	objs, err := inventory.Collect(walkCtx, client, inventory.Options{
		Organizations: o.orgs, Parallelism: o.parallelism, Progress: progress, Warn: warn,
	})
	endWalk()
	<-reporter
	if err != nil {
		return err
	}

	out := stdout
	var file *os.File
	if o.out != "-" {
		if file, err = os.Create(o.out); err != nil {
			return err
		}
		out = file
	}
	stats, err := writeImports(out, objs, header{url: base, orgs: o.orgs, includeDefaults: o.includeDefaults})
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	if !o.quiet {
		where := "standard output"
		if o.out != "-" {
			where = o.out
		}
		_, _ = fmt.Fprintf(stderr, "quay-import: wrote %d import blocks to %s (%d left out as made by Quay itself) in %s with %d requests\n",
			stats.written, where, stats.defaults, time.Since(start).Round(time.Millisecond), counter.n.Load())
	}
	return nil
}

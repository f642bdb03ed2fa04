// Command testreport reads `go test -json` on stdin, prints what a plain
// `go test` prints (each package's closing "ok" or "FAIL" line, and the
// output of failed tests), then a report of the tests that skipped and why.
// It exits 1 when a test, a package or a build failed, so a pipeline fails
// even without pipefail.
//
//	go test -json ./... | go run ./internal/tools/testreport -label "Terraform v1.13.3"
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	label := flag.String("label", "", "what the run used (e.g. the CLI and its version), named in the report")
	flag.Parse()
	failed, err := run(os.Stdin, os.Stdout, *label)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, label string) (bool, error) {
	r := newReport()
	s := &sink{w: out}
	if err := r.read(in, s); err != nil {
		return true, err
	}
	r.writeSkips(s, label)
	return r.failed, s.err
}

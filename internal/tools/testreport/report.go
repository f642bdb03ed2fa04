package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json), build events included.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type skip struct {
	test   string // package base name and test, e.g. "provider.TestAccX"
	reason string
}

// sink writes and keeps the first write error, reported at the end.
type sink struct {
	w   io.Writer
	err error
}

func (s *sink) printf(format string, a ...any) {
	if s.err == nil {
		_, s.err = fmt.Fprintf(s.w, format, a...)
	}
}

type report struct {
	// output of each running test (and package), printed only on failure
	running map[string][]string
	skips   []skip
	failed  bool
}

func newReport() *report { return &report{running: map[string][]string{}} }

func key(e event) string { return e.Package + "\x00" + e.Test }

func (r *report) read(in io.Reader, out *sink) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event (go's own messages): pass it on.
			out.printf("%s\n", line)
			continue
		}
		r.event(e, out)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return out.err
}

func (r *report) event(e event, out *sink) {
	switch {
	case e.Action == "build-output":
		out.printf("%s", e.Output)
	case e.Action == "build-fail":
		r.failed = true
	case e.Test == "":
		r.packageEvent(e, out)
	case e.Action == "output":
		r.running[key(e)] = append(r.running[key(e)], e.Output)
	case e.Action == "pass":
		delete(r.running, key(e))
	case e.Action == "skip":
		r.skips = append(r.skips, skip{test: path.Base(e.Package) + "." + e.Test, reason: skipReason(r.running[key(e)])})
		delete(r.running, key(e))
	case e.Action == "fail":
		r.failed = true
		for _, l := range r.running[key(e)] {
			out.printf("%s", l)
		}
		delete(r.running, key(e))
	}
}

// packageEvent prints what plain `go test` prints for a package: its closing
// line ("ok", "?") when it passes, and when it fails all it wrote, with the
// output of the tests still running (a panic or a timeout ends the package
// with tests unfinished).
func (r *report) packageEvent(e event, out *sink) {
	k := key(e)
	switch e.Action {
	case "output":
		r.running[k] = append(r.running[k], e.Output)
	case "pass", "skip":
		for _, l := range r.running[k] {
			if strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "?") {
				out.printf("%s", l)
			}
		}
		delete(r.running, k)
	case "fail":
		r.failed = true
		var left []string
		for t := range r.running {
			if strings.HasPrefix(t, e.Package+"\x00") && t != k {
				left = append(left, t)
			}
		}
		sort.Strings(left)
		for _, t := range append(left, k) {
			for _, l := range r.running[t] {
				out.printf("%s", l)
			}
			delete(r.running, t)
		}
	}
}

var (
	framing  = regexp.MustCompile(`^\s*(=== (RUN|PAUSE|CONT|NAME)|--- SKIP:)`)
	location = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)
)

// skipReason is what the test wrote before skipping (t.Skip's message, or the
// testing framework's), without the file:line prefix.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		if framing.MatchString(l) {
			continue
		}
		if l = strings.TrimSpace(location.ReplaceAllString(l, "")); l != "" {
			parts = append(parts, l)
		}
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}

// writeSkips prints the skipped tests grouped by reason, the largest group first.
func (r *report) writeSkips(out *sink, label string) {
	with := ""
	if label != "" {
		with = " with " + label
	}
	if len(r.skips) == 0 {
		out.printf("==> no test skipped%s\n", with)
		return
	}
	byReason := map[string][]string{}
	for _, s := range r.skips {
		byReason[s.reason] = append(byReason[s.reason], s.test)
	}
	reasons := make([]string, 0, len(byReason))
	for reason, tests := range byReason {
		sort.Strings(tests)
		reasons = append(reasons, reason)
	}
	sort.Slice(reasons, func(i, j int) bool {
		a, b := byReason[reasons[i]], byReason[reasons[j]]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return reasons[i] < reasons[j]
	})
	out.printf("==> %d skipped%s:\n", len(r.skips), with)
	for _, reason := range reasons {
		out.printf("  %s\n", reason)
		for _, t := range byReason[reason] {
			out.printf("      %s\n", t)
		}
	}
}

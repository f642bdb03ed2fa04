package main

import (
	"strings"
	"testing"
)

const pkg = "example.com/m/internal/provider"

func events(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestPassingRunPrintsClosingLineAndSkips(t *testing.T) {
	in := events(
		`{"Action":"start","Package":"`+pkg+`"}`,
		`{"Action":"run","Package":"`+pkg+`","Test":"TestA"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}`,
		`{"Action":"pass","Package":"`+pkg+`","Test":"TestA"}`,
		`{"Action":"run","Package":"`+pkg+`","Test":"TestB"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestB","Output":"=== RUN   TestB\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestB","Output":"    b_test.go:12: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}`,
		`{"Action":"skip","Package":"`+pkg+`","Test":"TestB"}`,
		`{"Action":"run","Package":"`+pkg+`","Test":"TestC"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestC","Output":"    c_test.go:3: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n"}`,
		`{"Action":"skip","Package":"`+pkg+`","Test":"TestC"}`,
		`{"Action":"run","Package":"`+pkg+`","Test":"TestD"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestD","Output":"    d_test.go:9: needs the emulator's clock hook\n"}`,
		`{"Action":"skip","Package":"`+pkg+`","Test":"TestD"}`,
		`{"Action":"output","Package":"`+pkg+`","Output":"testing: warning: no tests to run\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Output":"PASS\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Output":"ok  \t`+pkg+`\t1.5s\n"}`,
		`{"Action":"pass","Package":"`+pkg+`","Elapsed":1.5}`,
	)
	var out strings.Builder
	failed, err := run(strings.NewReader(in), &out, "Terraform v1.11.4")
	if err != nil || failed {
		t.Fatalf("failed=%v err=%v", failed, err)
	}
	want := "ok  \t" + pkg + "\t1.5s\n" +
		"==> 3 skipped with Terraform v1.11.4:\n" +
		"  Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n" +
		"      provider.TestB\n" +
		"      provider.TestC\n" +
		"  needs the emulator's clock hook\n" +
		"      provider.TestD\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestFailurePrintsTheTestOutputAndFails(t *testing.T) {
	in := events(
		`{"Action":"run","Package":"`+pkg+`","Test":"TestA"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestA","Output":"    a_test.go:5: boom\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestA","Output":"--- FAIL: TestA (0.00s)\n"}`,
		`{"Action":"fail","Package":"`+pkg+`","Test":"TestA"}`,
		`{"Action":"output","Package":"`+pkg+`","Output":"FAIL\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Output":"FAIL\t`+pkg+`\t0.2s\n"}`,
		`{"Action":"fail","Package":"`+pkg+`","Elapsed":0.2}`,
	)
	var out strings.Builder
	failed, err := run(strings.NewReader(in), &out, "")
	if err != nil || !failed {
		t.Fatalf("failed=%v err=%v", failed, err)
	}
	for _, want := range []string{"a_test.go:5: boom", "--- FAIL: TestA", "FAIL\t" + pkg, "==> no test skipped\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPanicPrintsUnfinishedTestsAndBuildFailureFails(t *testing.T) {
	in := events(
		`{"Action":"run","Package":"`+pkg+`","Test":"TestA"}`,
		`{"Action":"output","Package":"`+pkg+`","Test":"TestA","Output":"panic: nil map\n"}`,
		`{"Action":"output","Package":"`+pkg+`","Output":"FAIL\t`+pkg+`\t0.1s\n"}`,
		`{"Action":"fail","Package":"`+pkg+`"}`,
		`{"ImportPath":"example.com/m/x","Action":"build-output","Output":"x/x.go:3:1: syntax error\n"}`,
		`{"ImportPath":"example.com/m/x","Action":"build-fail"}`,
		`go: downloading example.com/dep v1.0.0`,
	)
	var out strings.Builder
	failed, _ := run(strings.NewReader(in), &out, "")
	if !failed {
		t.Fatal("not failed")
	}
	for _, want := range []string{"panic: nil map", "syntax error", "go: downloading"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

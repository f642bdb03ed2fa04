package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestAccGuideExamples applies each configuration of the guides
// (examples/guides/*/main.tf) as written, through the CLI, on an empty
// emulator of its own (they use fixed names), checks that the next plan is
// empty, and destroys it.
func TestAccGuideExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/guides/*/main.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no guide examples found (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			emu := emulator.New(emulator.DefaultConfig())
			h := newCLIHarness(t, emu)
			if err := os.WriteFile(filepath.Join(h.dir, "main.tf"), body, 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := h.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("apply: %v\n%s", err, tail(out))
			}
			h.expectEmptyPlan("after the apply")
			if out, err := h.run("destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("destroy: %v\n%s", err, tail(out))
			}
			if left := append(emu.Organizations(), emu.AllRobots()...); len(left) != 0 {
				t.Fatalf("left after destroy: %v", left)
			}
		})
	}
}

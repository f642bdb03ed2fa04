package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestLoadManyMembers applies one organization with 10 teams and 200
// members at -parallelism=20 (provider built with -race), refreshes and
// destroys it, and checks that every membership is exactly as configured
// and that the emulator never answered 5xx. QUAY_LOAD_MEMBERS changes the
// member count.
func TestLoadManyMembers(t *testing.T) {
	members := envInt(t, "QUAY_LOAD_MEMBERS", 200)
	const teams = 10
	emu := emulator.New(emulator.DefaultConfig())
	h := newCLIHarness(t, emu)

	teamsOf := func(i int) []string {
		out := []string{fmt.Sprintf("team%d", i%teams)}
		if i%3 == 0 {
			out = append(out, fmt.Sprintf("team%d", (i+1)%teams))
		}
		return out
	}
	var b strings.Builder
	b.WriteString(`resource "quay_organization" "load" { name = "load" }
`)
	for i := 0; i < teams; i++ {
		fmt.Fprintf(&b, `resource "quay_team" "t%d" {
  organization = quay_organization.load.name
  name         = "team%d"
  role         = "member"
}
`, i, i)
	}
	for i := 0; i < members; i++ {
		refs := []string{}
		for _, team := range teamsOf(i) {
			refs = append(refs, "quay_team.t"+strings.TrimPrefix(team, "team")+".name")
		}
		fmt.Fprintf(&b, `resource "quay_user" "u%d" {
  username = "user%03d"
  email    = "user%03d@example.com"
}
resource "quay_org_member" "m%d" {
  organization = quay_organization.load.name
  username     = quay_user.u%d.username
  teams        = [%s]
}
`, i, i, i, i, i, strings.Join(refs, ", "))
	}
	h.writeConfig(b.String())

	if out, err := h.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"); err != nil {
		t.Fatalf("apply: %v\n%s", err, tail(out, 3000))
	}
	got := emu.TeamMemberships("load")
	want := map[string][]string{"owners": {"admin"}}
	for i := 0; i < members; i++ {
		for _, team := range teamsOf(i) {
			want[team] = append(want[team], fmt.Sprintf("user%03d", i))
		}
	}
	for team, users := range want {
		sort.Strings(users)
		if !slices.Equal(got[team], users) {
			t.Errorf("team %s: Quay has %d members, want %d (first difference in %v)", team, len(got[team]), len(users), diffFirst(got[team], users))
		}
	}
	if len(got) != len(want) {
		t.Errorf("Quay has %d teams, want %d", len(got), len(want))
	}
	h.expectEmptyPlan("after apply")
	if out, err := h.run("destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, tail(out, 3000))
	}
	if orgs := emu.Organizations(); len(orgs) != 0 {
		t.Errorf("organizations left: %v", orgs)
	}
	if users := emu.Users(); !slices.Equal(users, []string{"admin"}) {
		t.Errorf("users left: %d", len(users)-1)
	}
	for status, n := range emu.StatusCounts() {
		if status >= 500 {
			t.Errorf("the emulator answered %d %d times", status, n)
		}
	}
	t.Logf("requests by route:\n%s", emu.CountsSummary())
}

func diffFirst(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("%q vs %q", a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestRequestBudget pins the API requests each Terraform phase makes for
// one resource of every kind in the benchmark mix, route by route: a create
// is the write plus at most one read (more only where Quay forces it), a
// no-change plan is exactly one GET per resource, an update is the write
// plus a read only where Quay's answer is stale, and a destroy is the
// refresh plus the delete. The calls made once per provider process to
// configure it (GET /api/v1/user/ and GET /config) are left out, because
// their number depends on the CLI, not on the provider.
func TestRequestBudget(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	h := newCLIHarness(t, emu)

	config := func(updated bool) string {
		exp, desc, email, teams, size := 1209600, "team", "budget-user@example.com", "quay_team.a.name", "10 GiB"
		if updated {
			exp, desc, email, teams, size = 604800, "team (updated)", "budget-new@example.com", "quay_team.a.name, quay_team.b.name", "20 GiB"
		}
		return fmt.Sprintf(`
resource "quay_organization" "o" {
  name             = "budget"
  tag_expiration_s = %d
}
resource "quay_team" "a" {
  organization = quay_organization.o.name
  name         = "teama"
  role         = "member"
  description  = %q
}
resource "quay_team" "b" {
  organization = quay_organization.o.name
  name         = "teamb"
  role         = "member"
}
resource "quay_user" "u" {
  username = "budget-user"
  email    = %q
}
resource "quay_org_member" "m" {
  organization = quay_organization.o.name
  username     = quay_user.u.username
  teams        = [%s]
}
resource "quay_oauth_application" "a" {
  organization = quay_organization.o.name
  name         = "ci"
  description  = %q
}
resource "quay_quota" "q" {
  namespace = quay_organization.o.name
  limit     = %q
}
`, exp, desc, email, teams, desc, size)
	}

	const (
		org       = "/api/v1/organization/{orgname}"
		team      = org + "/team/{teamname}"
		member    = org + "/members/{membername}"
		teamAdd   = team + "/members/{membername}"
		apps      = org + "/applications"
		app       = apps + "/{client_id}"
		users     = "/api/v1/superuser/users/"
		user      = users + "{username}"
		quotas    = "/api/v1/superuser/organization/{namespace}/quota"
		quotaByID = quotas + "/{quota_id}"
	)
	// The refresh before an update or destroy: one GET per resource (the
	// two teams are read from their organization, as Quay has no team GET).
	refresh := map[string]int{"GET " + org: 3, "GET " + user: 1, "GET " + member: 1, "GET " + app: 1, "GET " + quotas: 1}
	plus := func(a, b map[string]int) map[string]int {
		out := maps.Clone(a)
		for k, v := range b {
			out[k] += v
		}
		return out
	}

	phases := []struct {
		name string
		args []string
		cfg  string
		want map[string]int
	}{
		{"apply", []string{"apply", "-auto-approve"}, config(false), map[string]int{
			"POST /api/v1/organization/": 1, "PUT " + org: 1, // the create takes no tag expiration; the PUT's answer is the read-back
			"PUT " + team:   2, // the PUT's answer is the read-back
			"POST " + users: 1, "GET " + user: 1,
			"PUT " + teamAdd: 1, "GET " + member: 1,
			"GET " + apps: 1, "POST " + apps: 1, // the list before the create tells an application made by a lost answer from older ones
			"POST " + quotas: 1, "GET " + quotas: 1, // the create answers without an id
		}},
		{"plan", []string{"plan", "-detailed-exitcode"}, config(false), refresh},
		{"update", []string{"apply", "-auto-approve"}, config(true), plus(refresh, map[string]int{
			"PUT " + org: 1, "PUT " + team: 1,
			"PUT " + user: 1, "GET " + user: 1, // Quay's PUT answers with the user as it was before
			"PUT " + teamAdd: 1, "GET " + member: 1,
			"PUT " + app:       1,
			"PUT " + quotaByID: 1,
		})},
		{"destroy", []string{"destroy", "-auto-approve"}, config(true), plus(refresh, map[string]int{
			"DELETE " + org: 1, "DELETE " + team: 2, "DELETE " + member: 1, "DELETE " + app: 1, "DELETE " + quotaByID: 1,
			"DELETE " + user: 1, "GET " + user: 1, // Quay answers 204 but keeps a disabled user, so the delete is checked
		})},
	}
	for _, p := range phases {
		h.writeConfig(p.cfg)
		emu.ResetCounts()
		if out, err := h.run(append(p.args, "-input=false", "-no-color")...); err != nil {
			t.Fatalf("%s: %v\n%s", p.name, err, tail(out))
		}
		got := emu.Counts()
		delete(got, "GET /api/v1/user/")
		delete(got, "GET /config")
		if !maps.Equal(got, p.want) {
			t.Errorf("%s: requests by route differ from the budget:\n%s", p.name, routeDiff(got, p.want))
		}
	}
}

// routeDiff lists the routes whose counts differ, as "route: got N, want M".
func routeDiff(got, want map[string]int) string {
	routes := maps.Clone(got)
	maps.Copy(routes, want)
	keys := slices.Sorted(maps.Keys(routes))
	var b strings.Builder
	for _, k := range keys {
		if got[k] != want[k] {
			fmt.Fprintf(&b, "  %s: got %d, want %d\n", k, got[k], want[k])
		}
	}
	return b.String()
}

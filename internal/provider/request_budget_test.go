package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

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
//
// A create whose name Quay still reserves for a deleted organization or
// user costs one more POST per retry and nothing else; the last phase
// re-creates everything at once after the destroy, so both names are
// refused once (this test's emulator frees a name only when the test says
// so, right after the first refusal).
func TestRequestBudget(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.NamespaceGCDelay = -1
	emu := emulator.New(cfg)
	h := newCLIHarness(t, emu)

	config := func(updated bool) string {
		exp, desc, email, teams, size, role := 1209600, "team", "budget-user@example.com", "quay_team.a.name", "10 GiB", "read"
		tokenVersion, subject, keep, pattern := 1, "main", "10", "v1.*"
		if updated {
			keep, pattern = "20", "v2.*"
			exp, desc, email, teams, size, role = 604800, "team (updated)", "budget-new@example.com", "quay_team.a.name, quay_team.b.name", "20 GiB", "write"
			tokenVersion, subject = 2, "release"
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
resource "quay_default_permission" "d" {
  organization  = quay_organization.o.name
  delegate_team = quay_team.a.name
  role          = %q
}
resource "quay_repository" "r" {
  namespace   = quay_organization.o.name
  name        = "app"
  description = %q
}
resource "quay_repository_permission" "t" {
  repository = "budget/${quay_repository.r.name}"
  team       = quay_team.b.name
  role       = %[7]q
}
resource "quay_repository_permission" "u" {
  repository = "budget/${quay_repository.r.name}"
  username   = quay_org_member.m.username
  role       = %[7]q
}
# Made after the default permission, so it always starts with its grant.
resource "quay_repository" "r2" {
  namespace  = quay_organization.o.name
  name       = "lib"
  depends_on = [quay_default_permission.d]
}
resource "quay_repository_permissions" "all" {
  repository = "budget/${quay_repository.r2.name}"
  teams      = { (quay_team.b.name) = %[7]q }
}
resource "quay_robot" "ci" {
  namespace     = quay_organization.o.name
  name          = "ci"
  token_version = %[9]d
  federation    = [{ issuer = "https://issuer.example.com", subject = %[10]q }]
}
resource "quay_auto_prune_policy" "p" {
  repository = "budget/${quay_repository.r.name}"
  method     = "number_of_tags"
  value      = %[11]q
}
resource "quay_immutability_policy" "i" {
  repository  = "budget/${quay_repository.r.name}"
  tag_pattern = %[12]q
}
resource "quay_robot" "mirror" {
  namespace = quay_organization.o.name
  name      = "mirror"
}
# Deleted before the robot, so the robot's destroy never meets the mirror.
resource "quay_repository" "mirrored" {
  namespace  = quay_organization.o.name
  name       = "mirrored"
  depends_on = [quay_robot.mirror]
}
resource "quay_repository_mirror" "m" {
  repository         = "budget/${quay_repository.mirrored.name}"
  external_reference = "quay.io/budget/app"
  root_rule          = [%[12]q]
  robot_username     = quay_robot.mirror.full_name
  sync_interval      = 3600
}
resource "quay_global_message" "banner" {
  content = "budget"
}
resource "quay_repository_notification" "n" {
  repository    = "budget/${quay_repository.r.name}"
  event         = "repo_push"
  method        = "webhook"
  config        = { url = "https://hooks.example.com/budget" }
  reset_version = %[9]d
}
`, exp, desc, email, teams, desc, size, role, desc, tokenVersion, subject, keep, pattern)
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
		protos    = org + "/prototypes"
		proto     = protos + "/{prototypeid}"
		repos     = "/api/v1/repository"
		repo      = repos + "/{repository}"
		userPerms = repo + "/permissions/user/"
		teamPerms = repo + "/permissions/team/"
		userPerm  = userPerms + "{username}"
		teamPerm  = teamPerms + "{teamname}"
		robot     = org + "/robots/{robot_shortname}"
		mirror    = repo + "/mirror"
		prunes    = repo + "/autoprunepolicy/"
		prune     = prunes + "{policy_uuid}"
		immuts    = repo + "/immutabilitypolicy/"
		immut     = immuts + "{policy_uuid}"
		notes     = repo + "/notification/"
		note      = notes + "{uuid}"
	)
	// The refresh before an update or destroy: one GET per resource (the
	// two teams are read from their organization, as Quay has no team GET;
	// the authoritative permissions are the two lists of their repository).
	refresh := map[string]int{"GET " + org: 3, "GET " + user: 1, "GET " + member: 1, "GET " + app: 1, "GET " + quotas: 1, "GET " + protos: 1, "GET " + repo: 3,
		"GET " + teamPerm: 1, "GET " + userPerm: 1, "GET " + userPerms: 1, "GET " + teamPerms: 1,
		"GET " + robot: 2, "GET " + robot + "/federation": 1, // federation is read only where it is managed
		"GET " + prune: 1, "GET " + immut: 1, "GET " + note: 1,
		"GET /api/v1/messages": 1, // Quay has no read of one message
		"GET " + mirror:        1}
	plus := func(a, b map[string]int) map[string]int {
		out := maps.Clone(a)
		for k, v := range b {
			out[k] += v
		}
		return out
	}

	create := map[string]int{
		"POST /api/v1/organization/": 1, "PUT " + org: 1, // the create takes no tag expiration; the PUT's answer is the read-back
		"GET " + org: 2, "PUT " + team: 2, // Quay's team PUT is an upsert: the GET makes sure no team is taken over; the PUT's answer is the read-back
		"POST " + users: 1, "GET " + user: 1,
		"GET " + member: 2, "PUT " + teamAdd: 1, // the first GET makes sure the user is not a member yet, the second reads the result back
		"GET " + apps: 1, "POST " + apps: 1, // the list before the create tells an application made by a lost answer from older ones
		"POST " + quotas: 1, "GET " + quotas: 1, // the create answers without an id
		"GET " + protos: 1, "POST " + protos: 1, // Quay accepts duplicates: the list before the create refuses a copy and tells one made by a lost answer
		"GET " + repo: 6, "POST " + repos: 3, // the GET before the create refuses a repository made outside Terraform; the create answers without the repository view
		"GET " + teamPerm: 1, "GET " + userPerm: 1, "PUT " + userPerm: 1, // Quay's grant PUT is an upsert: the GET makes sure no grant is taken over; the PUT's answer is the read-back
		"PUT " + teamPerm: 2, // one for the team grant, one for the authoritative permissions
		// The authoritative permissions: both lists first; the creator's admin
		// and the default permission's grant are removed.
		"GET " + userPerms: 1, "GET " + teamPerms: 1, "DELETE " + userPerm: 1, "DELETE " + teamPerm: 1,
		// The robot: the GET before the create refuses a robot made outside
		// Terraform; the PUT's answer is the read-back; federation is a second
		// call. The plan of each walk asks once whether the namespace is a
		// user, as the token's user is not yet in the new organization.
		"GET /api/v1/users/{username}": 2, "GET " + robot: 2, "PUT " + robot: 2, "POST " + robot + "/federation": 1,
		// The mirror: the GET tells a disabled configuration to reuse from
		// one to refuse; the create answers "", so one GET reads it back.
		"GET " + mirror: 2, "POST " + mirror: 1,
		// Policies: the list refuses a duplicate and finds one made by a lost
		// answer; the create answers with the uuid only, so one GET reads it.
		"GET " + prunes: 1, "POST " + prunes: 1, "GET " + prune: 1,
		"GET " + immuts: 1, "POST " + immuts: 1, "GET " + immut: 1,
		// A notification: the list tells one made by a lost answer; the
		// create answers with the view.
		"GET " + notes: 1, "POST " + notes: 1,
		// A global message: Quay's create answers without the uuid, so the
		// lists before and after tell the new one.
		"GET /api/v1/messages": 2, "POST /api/v1/messages": 1,
	}
	phases := []struct {
		name string
		args []string
		cfg  string
		want map[string]int
	}{
		{"apply", []string{"apply", "-auto-approve"}, config(false), create},
		{"plan", []string{"plan", "-detailed-exitcode"}, config(false), refresh},
		{"update", []string{"apply", "-auto-approve"}, config(true), plus(refresh, map[string]int{
			"PUT " + org: 1, "PUT " + team: 1,
			"PUT " + user: 1, "GET " + user: 1, // Quay's PUT answers with the user as it was before
			"PUT " + teamAdd: 1, "GET " + member: 1,
			"PUT " + app:       1,
			"PUT " + quotaByID: 1,
			"PUT " + proto:     1,
			"PUT " + repo:      1, "GET " + repo: 1, // the description PUT answers {"success": true}
			"PUT " + teamPerm: 2, "PUT " + userPerm: 1,
			"POST " + robot + "/federation": 1, "POST " + robot + "/regenerate": 1,
			"PUT " + prune: 1, "GET " + prune: 1, "PUT " + immut: 1, "GET " + immut: 1, // the PUTs answer 204
			"POST " + note:  1,                     // reset_version 1 to 2 resets the failure count
			"PUT " + mirror: 1, "GET " + mirror: 1, // the PUT answers ""
		})},
		{"destroy", []string{"destroy", "-auto-approve"}, config(true), plus(refresh, map[string]int{
			"DELETE " + org: 1, "DELETE " + team: 2, "DELETE " + member: 1, "DELETE " + app: 1, "DELETE " + quotaByID: 1, "DELETE " + proto: 1,
			"GET " + repo + "/tag/": 3, "DELETE " + repo: 3, "GET " + repo: 3, "GET " + repos: 1, // force_destroy: the repository's tags and the organization's repositories are counted first; the deletion is confirmed
			"DELETE " + teamPerm: 2, "DELETE " + userPerm: 1,
			"DELETE " + user: 1, "GET " + user: 1, // Quay answers 204 but keeps a disabled user, so the delete is checked
			"PUT " + mirror: 1, "PUT " + repo + "/changestate": 1, // Quay cannot delete a mirror configuration: disabled, the repository back to NORMAL
			"DELETE " + robot: 2, "DELETE " + prune: 1, "DELETE " + immut: 1, "DELETE " + note: 1, "DELETE /api/v1/message/{uuid}": 1,
		})},
		{"re-create", []string{"apply", "-auto-approve"}, config(false), plus(create, map[string]int{
			"POST /api/v1/organization/": 1, "POST " + users: 1, // refused once each: the names are still reserved
		})},
	}
	for _, p := range phases {
		h.writeConfig(p.cfg)
		emu.ResetCounts()
		stop := make(chan struct{})
		if p.name == "re-create" {
			go freeNamesAfterFirstRefusal(emu, stop, map[string]string{"POST /api/v1/organization/": "budget", "POST " + users: "budget-user"})
		}
		out, err := h.run(append(p.args, "-input=false", "-no-color")...)
		close(stop)
		if err != nil {
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

// freeNamesAfterFirstRefusal plays Quay's namespace GC for TestRequestBudget:
// once a create route (key) has been called, the name (value) is freed, so
// that the provider's retry, which comes at least nameWaitFirst later,
// succeeds. It returns when stop is closed.
func freeNamesAfterFirstRefusal(emu *emulator.Server, stop <-chan struct{}, names map[string]string) {
	freed := map[string]bool{}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		counts := emu.Counts()
		for route, name := range names {
			if counts[route] > 0 && !freed[route] {
				freed[route] = true
				// Leave the refusal time to be answered; the retry is far off.
				time.AfterFunc(nameWaitFirst/3, func() { emu.RunNamespaceGC(name) })
			}
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

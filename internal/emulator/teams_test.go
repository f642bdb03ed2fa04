package emulator

import (
	"regexp"
	"testing"
)

func TestTeamUpsertAndDelete(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	base := "/api/v1/organization/acme/team/"

	a := e.call(t, "PUT", base+"devs", e.alice, map[string]any{"role": "member", "description": "Developers"})
	if a.status != 200 || a.field("new_team") != true || a.field("role") != "member" || a.field("description") != "Developers" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	// The same call updates; an omitted description is kept.
	a = e.call(t, "PUT", base+"devs", e.alice, map[string]any{"role": "creator"})
	if a.status != 200 || a.field("new_team") != false || a.field("description") != "Developers" || a.field("role") != "creator" {
		t.Fatalf("update: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "PUT", base+"devs", e.alice, map[string]any{}), 400, "invalid_request", "'role' is a required property")
	expectProblem(t, e.call(t, "PUT", base+"devs", e.alice, map[string]any{"role": "owner"}), 400, "invalid_request", "'owner' is not one of ['member', 'creator', 'admin']")
	expectMessage(t, e.call(t, "PUT", base+"Devs", e.alice, map[string]any{"role": "member"}), 400,
		"Invalid team name Devs: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$")
	expectMessage(t, e.call(t, "PUT", base+"d", e.alice, map[string]any{"role": "member"}), 400,
		"Invalid team name d: Team must be between 2 and 255 characters in length")
	expectProblem(t, e.call(t, "PUT", base+"devs", e.bob, map[string]any{"role": "admin"}), 403, "insufficient_scope", "Unauthorized")
	expectMessage(t, e.call(t, "PUT", "/api/v1/organization/nosuch/team/devs", e.admin, map[string]any{"role": "member"}), 400, "Organization does not exist: nosuch")

	// The caller's only admin team can be neither downgraded nor deleted.
	expectMessage(t, e.call(t, "PUT", base+"owners", e.alice, map[string]any{"role": "member"}), 400,
		"Cannot remove admin from team 'owners' because calling user would no longer have admin on org 'acme'")
	expectMessage(t, e.call(t, "DELETE", base+"owners", e.alice, nil), 400,
		"Deleting team 'owners' would remove admin ability for user 'alice' in organization 'acme'")

	// A full-access superuser in no admin team crashes Quay's guard.
	e.call(t, "PUT", base+"ops", e.alice, map[string]any{"role": "admin"})
	if a := e.call(t, "DELETE", base+"ops", e.admin, nil); a.status != 500 {
		t.Fatalf("admin-team delete by an outsider superuser: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "DELETE", base+"ops", e.alice, nil); a.status != 204 {
		t.Fatalf("delete ops: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "DELETE", base+"devs", e.alice, nil); a.status != 204 {
		t.Fatalf("delete devs: %d %s", a.status, a.raw)
	}
	expectMessage(t, e.call(t, "DELETE", base+"devs", e.alice, nil), 400, "Team 'devs' is not a team in org 'acme'")
}

func TestTeamMembership(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	team := "/api/v1/organization/acme/team/devs"
	e.call(t, "PUT", team, e.alice, map[string]any{"role": "member"})

	a := e.call(t, "PUT", team+"/members/bob", e.alice, nil)
	if a.status != 200 || a.field("invited") != false || a.field("name") != "bob" || a.field("is_robot") != false {
		t.Fatalf("add: %d %s", a.status, a.raw)
	}
	expectMessage(t, e.call(t, "PUT", team+"/members/bob", e.alice, nil), 400, "User bob is already a member of team devs")
	expectProblem(t, e.call(t, "PUT", team+"/members/ghost", e.alice, nil), 400, "invalid_request", "Unknown user")
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme/team/nosuch/members/bob", e.alice, nil), 404, "not_found", "Not Found")

	list := e.call(t, "GET", team+"/members", e.alice, nil)
	if members, _ := list.field("members").([]any); len(members) != 1 || list.field("can_edit") != true {
		t.Fatalf("list: %s", list.raw)
	}
	// A team member may list its own team, but not edit it.
	if l := e.call(t, "GET", team+"/members", e.bob, nil); l.status != 200 || l.field("can_edit") != false {
		t.Fatalf("member's own list: %d %s", l.status, l.raw)
	}

	m := e.call(t, "GET", "/api/v1/organization/acme/members/bob", e.alice, nil)
	if teams, _ := m.field("teams").([]any); m.status != 200 || len(teams) != 1 {
		t.Fatalf("member detail: %s", m.raw)
	}
	all := e.call(t, "GET", "/api/v1/organization/acme/members", e.alice, nil)
	if members, _ := all.field("members").([]any); len(members) != 2 {
		t.Fatalf("members: %s", all.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme/members/admin", e.alice, nil), 404, "not_found", "Not Found")

	if a := e.call(t, "DELETE", team+"/members/bob", e.alice, nil); a.status != 204 {
		t.Fatalf("remove: %d", a.status)
	}
	expectMessage(t, e.call(t, "DELETE", team+"/members/bob", e.alice, nil), 400, "User bob does not belong to team devs")
	expectProblem(t, e.call(t, "DELETE", team+"/members/ghost", e.alice, nil), 404, "not_found", "Not Found")
	expectMessage(t, e.call(t, "DELETE", "/api/v1/organization/acme/team/owners/members/alice", e.alice, nil), 400,
		"User cannot remove themselves from their only admin team.")

	// Removing from the org: idempotent for non-members, refused for the last admin.
	e.call(t, "PUT", team+"/members/bob", e.alice, nil)
	if a := e.call(t, "DELETE", "/api/v1/organization/acme/members/bob", e.alice, nil); a.status != 204 {
		t.Fatalf("remove from org: %d", a.status)
	}
	if a := e.call(t, "DELETE", "/api/v1/organization/acme/members/bob", e.alice, nil); a.status != 204 {
		t.Fatalf("remove a non-member: %d", a.status)
	}
	expectMessage(t, e.call(t, "DELETE", "/api/v1/organization/acme/members/alice", e.alice, nil), 400,
		"Cannot remove user as they are the only organization admin")
	expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme/members/ghost", e.alice, nil), 404, "not_found", "Not Found")
}

func TestTeamInvitations(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Features.Mailing = true })
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	team := "/api/v1/organization/acme/team/devs"
	e.call(t, "PUT", team, e.alice, map[string]any{"role": "member"})

	// A user in no team of the org is invited, again on every call.
	for i := 0; i < 2; i++ {
		if a := e.call(t, "PUT", team+"/members/bob", e.alice, nil); a.status != 200 || a.field("invited") != true {
			t.Fatalf("invite: %d %s", a.status, a.raw)
		}
	}
	if n := e.srv.PendingInvitations("acme"); n != 2 {
		t.Fatalf("pending = %d, want 2 (Quay duplicates invitations)", n)
	}
	plain := e.call(t, "GET", team+"/members", e.alice, nil)
	if members, _ := plain.field("members").([]any); len(members) != 0 {
		t.Fatalf("invitations without includePending: %s", plain.raw)
	}
	pending := e.call(t, "GET", team+"/members?includePending=true", e.alice, nil)
	if members, _ := pending.field("members").([]any); len(members) != 2 {
		t.Fatalf("includePending: %s", pending.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/organization/acme/members/bob", e.alice, nil), 404, "not_found", "Not Found")

	// An existing org member is added directly.
	e.srv.AcceptInvitations("acme", "bob")
	e.call(t, "PUT", "/api/v1/organization/acme/team/qa", e.alice, map[string]any{"role": "member"})
	if a := e.call(t, "PUT", "/api/v1/organization/acme/team/qa/members/bob", e.alice, nil); a.field("invited") != false {
		t.Fatalf("existing member: %s", a.raw)
	}

	// E-mail invitations.
	a := e.call(t, "PUT", team+"/invite/someone@example.com", e.alice, nil)
	if a.status != 200 || a.field("kind") != "invite" || a.field("email") != "someone@example.com" {
		t.Fatalf("email invite: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "DELETE", team+"/invite/someone@example.com", e.alice, nil); a.status != 204 {
		t.Fatalf("delete email invite: %d", a.status)
	}
	expectProblem(t, e.call(t, "DELETE", team+"/invite/someone@example.com", e.alice, nil), 404, "not_found", "Not Found")

	// Without mailing the invite endpoint does not exist.
	off := newOrgTestEnv(t, nil)
	if a := off.call(t, "PUT", team+"/invite/x@example.com", off.alice, nil); a.status != 405 || a.field("message") != nil {
		t.Fatalf("invite without mailing: %d %s", a.status, a.raw)
	}
}

func TestSuperuserUsers(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	base := "/api/v1/superuser/users/"
	a := e.call(t, "POST", base, e.admin, map[string]any{"username": "carol", "email": "carol@example.com"})
	if pw, _ := a.field("password").(string); a.status != 200 || !regexp.MustCompile(`^[A-Z0-9]{32}$`).MatchString(pw) || a.field("encrypted_password") == nil {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"username": "dave"}), 403, "insufficient_scope", "Unauthorized")
	expectMessage(t, e.call(t, "POST", base, e.admin, map[string]any{"username": "carol"}), 400, "Username has already been taken by user cannot be reused: carol")
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	expectMessage(t, e.call(t, "POST", base, e.admin, map[string]any{"username": "acme"}), 400, "Username has already been taken by an organization and cannot be reused: acme")
	expectMessage(t, e.call(t, "POST", base, e.admin, map[string]any{"username": "Dave"}), 400, "Invalid namespace Dave: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$")
	expectMessage(t, e.call(t, "POST", base, e.admin, map[string]any{"username": "dave", "email": "carol@example.com"}), 400, "Email has already been used: carol@example.com")
	expectProblem(t, e.call(t, "POST", base, e.admin, map[string]any{}), 400, "invalid_request", "'username' is a required property")

	// Without mailing, an e-mail-less user gets a placeholder address.
	a = e.call(t, "POST", base, e.admin, map[string]any{"username": "dave"})
	if a.field("email") != nil {
		t.Fatalf("create without email: %s", a.raw)
	}
	if u := e.call(t, "GET", base+"dave", e.admin, nil); u.field("email") == "" || u.field("verified") != true {
		t.Fatalf("placeholder email: %s", u.raw)
	}

	// PUT answers with the enabled flag from before the change.
	a = e.call(t, "PUT", base+"carol", e.admin, map[string]any{"enabled": false, "email": "c2@example.com", "password": "goodpassword"})
	if a.status != 200 || a.field("enabled") != true || a.field("email") != "c2@example.com" || a.field("encrypted_password") == nil {
		t.Fatalf("update answer: %d %s", a.status, a.raw)
	}
	if u := e.call(t, "GET", base+"carol", e.admin, nil); u.field("enabled") != false {
		t.Fatalf("after update: %s", u.raw)
	}
	expectMessage(t, e.call(t, "PUT", base+"carol", e.admin, map[string]any{"password": "short"}), 400,
		"Invalid password, password must be at least 8 characters and contain no whitespace.")
	expectMessage(t, e.call(t, "PUT", base+"dave", e.admin, map[string]any{"email": "c2@example.com"}), 400, "E-mail address already used")
	expectProblem(t, e.call(t, "PUT", base+"admin", e.admin, map[string]any{"enabled": false}), 400, "invalid_request", "Cannot update a superuser")
	expectProblem(t, e.call(t, "PUT", base+"ghost", e.admin, map[string]any{}), 404, "not_found", "Not Found")

	// Listing, with and without disabled users.
	all := e.call(t, "GET", base, e.admin, nil)
	enabled := e.call(t, "GET", base+"?disabled=false", e.admin, nil)
	nAll, _ := all.field("users").([]any)
	nEnabled, _ := enabled.field("users").([]any)
	if len(nAll) != len(nEnabled)+1 {
		t.Fatalf("disabled filter: %d all, %d enabled", len(nAll), len(nEnabled))
	}
	expectProblem(t, e.call(t, "GET", base+"?limit=101", e.admin, nil), 400, "invalid_request", "Page limit cannot be above 100")

	// Deleting a disabled user answers 204 and keeps it.
	if a := e.call(t, "DELETE", base+"carol", e.admin, nil); a.status != 204 {
		t.Fatalf("delete disabled: %d", a.status)
	}
	if u := e.call(t, "GET", base+"carol", e.admin, nil); u.status != 200 {
		t.Fatalf("disabled user vanished: %d", u.status)
	}
	e.call(t, "PUT", base+"carol", e.admin, map[string]any{"enabled": true})
	e.call(t, "DELETE", base+"carol", e.admin, nil)
	expectProblem(t, e.call(t, "GET", base+"carol", e.admin, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "DELETE", base+"carol", e.admin, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "DELETE", base+"admin", e.admin, nil), 400, "invalid_request", "Cannot delete a superuser")

	// Without FEATURE_SUPER_USERS the paths do not exist.
	off := newOrgTestEnv(t, func(c *Config) { c.Features.SuperUsers = false })
	if a := off.call(t, "GET", base, off.admin, nil); a.status != 404 || a.field("detail") != nil {
		t.Fatalf("superuser API without the feature: %d %s", a.status, a.raw)
	}
}

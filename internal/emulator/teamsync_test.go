package emulator

import (
	"strings"
	"testing"
)

// newSyncEnv is an emulator with organization acme (owner alice), team
// devs with member bob, and robot acme+ci.
func newSyncEnv(t *testing.T, mutate func(*Config)) *orgTestEnv {
	t.Helper()
	e := newOrgTestEnv(t, func(c *Config) {
		c.Features.TeamSyncing = true
		c.AuthenticationType = "LDAP"
		if mutate != nil {
			mutate(c)
		}
	})
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs", e.alice, map[string]any{"role": "member"})
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/bob", e.alice, nil)
	e.call(t, "PUT", "/api/v1/organization/acme/robots/ci", e.alice, nil)
	return e
}

const syncPath = "/api/v1/organization/acme/team/devs/syncing"

func TestTeamSyncFlagOff(t *testing.T) {
	e := newSyncEnv(t, func(c *Config) { c.Features.TeamSyncing = false })
	expectHTML(t, e.call(t, "POST", syncPath, e.admin, map[string]any{"group_dn": "cn=devs"}), 405)
	expectHTML(t, e.call(t, "DELETE", syncPath, e.admin, nil), 405)
	cfg := e.call(t, "GET", "/config", "", nil)
	if cfg.field("features").(map[string]any)["TEAM_SYNCING"] != false || cfg.field("config").(map[string]any)["AUTHENTICATION_TYPE"] != "LDAP" {
		t.Fatalf("/config: %s", cfg.raw)
	}
}

func TestTeamSyncDatabaseAuth(t *testing.T) {
	e := newSyncEnv(t, func(c *Config) { c.AuthenticationType = "" })
	expectProblem(t, e.call(t, "POST", syncPath, e.admin, map[string]any{"group_dn": "cn=devs"}), 400, "invalid_request", "Could not sync to group: Not supported")
	m := e.call(t, "GET", "/api/v1/organization/acme/team/devs/members", e.admin, nil)
	if strings.Contains(m.raw, "can_sync") || strings.Contains(m.raw, "synced") {
		t.Fatalf("members with Database auth: %s", m.raw)
	}
	if a := e.call(t, "DELETE", syncPath, e.admin, nil); a.status != 200 || a.field("name") != "devs" || a.field("new_team") != false {
		t.Fatalf("delete of an unsynced team: %d %s", a.status, a.raw)
	}
	if e.call(t, "GET", "/config", "", nil).field("config").(map[string]any)["AUTHENTICATION_TYPE"] != "Database" {
		t.Fatal("default AUTHENTICATION_TYPE")
	}
}

func TestTeamSyncLDAP(t *testing.T) {
	e := newSyncEnv(t, nil)
	body := map[string]any{"group_dn": "cn=devs,ou=groups"}

	// Superusers who administer the organization only (admin has full access).
	expectProblem(t, e.call(t, "POST", syncPath, e.alice, body), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/acme/team/nope/syncing", e.admin, body), 404, "not_found", "Not Found")
	expectMessage(t, e.rawCall(t, "POST", syncPath, e.admin, "text/plain", "x"), 415,
		"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.")
	expectProblem(t, e.call(t, "POST", syncPath, e.admin, map[string]any{}), 400, "invalid_request", "Could not sync to group: Missing group_dn")
	expectProblem(t, e.call(t, "POST", syncPath, e.admin, body), 400, "invalid_request", "Could not sync to group: Group does not exist or is empty")
	if a := e.call(t, "POST", syncPath, e.admin, []any{}); a.status != 500 {
		t.Fatalf("array body: %d %s", a.status, a.raw)
	}

	e.srv.SetGroupMembers("cn=devs,ou=groups", []string{"admin", "ghost"})
	a := e.call(t, "POST", syncPath, e.admin, map[string]any{"group_dn": "cn=devs,ou=groups", "extra": true})
	if a.status != 200 || a.field("name") != "devs" || a.field("role") != "member" || a.field("new_team") != false || a.field("can_view") != true {
		t.Fatalf("enable: %d %s", a.status, a.raw)
	}
	// A second enable hits the unique row.
	if a := e.call(t, "POST", syncPath, e.admin, body); a.status != 500 {
		t.Fatalf("second enable: %d %s", a.status, a.raw)
	}
	// LDAP leaves the members until the worker runs.
	if got := e.srv.TeamMemberships("acme")["devs"]; len(got) != 1 || got[0] != "bob" {
		t.Fatalf("members after enable: %v", got)
	}

	// The members list: can_sync and the full synced block for superusers.
	m := e.call(t, "GET", "/api/v1/organization/acme/team/devs/members", e.admin, nil)
	canSync, _ := m.field("can_sync").(map[string]any)
	synced, _ := m.field("synced").(map[string]any)
	if canSync["service"] != "ldap" || canSync["base_dn"] != emulatedLDAPBaseDN || synced["service"] != "ldap" ||
		synced["last_updated"] != nil || synced["config"].(map[string]any)["extra"] != true {
		t.Fatalf("members (superuser): %s", m.raw)
	}
	m = e.call(t, "GET", "/api/v1/organization/acme/team/devs/members", e.alice, nil)
	if synced, _ := m.field("synced").(map[string]any); m.field("can_sync") != nil || len(synced) != 1 || synced["service"] != "ldap" {
		t.Fatalf("members (org admin): %s", m.raw)
	}
	if o := e.call(t, "GET", "/api/v1/organization/acme", e.alice, nil); o.field("teams").(map[string]any)["devs"].(map[string]any)["is_synced"] != true {
		t.Fatalf("org view: %s", o.raw)
	}

	// Human membership is refused, before the permission check; robots pass.
	expectProblem(t, e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/alice", e.alice, nil), 400, "invalid_request", syncedTeamRefusal)
	expectProblem(t, e.call(t, "DELETE", "/api/v1/organization/acme/team/devs/members/bob", e.bob, nil), 400, "invalid_request", syncedTeamRefusal)
	if a := e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/acme+ci", e.alice, nil); a.status != 200 {
		t.Fatalf("robot add: %d %s", a.status, a.raw)
	}

	// The worker: the group's existing users become the members, robots stay.
	e.srv.SetGroupMembers("cn=devs,ou=groups", []string{"alice", "ghost"})
	if got := strings.Join(e.srv.TeamMemberships("acme")["devs"], ","); got != "acme+ci,alice" {
		t.Fatalf("members after sync: %s", got)
	}
	m = e.call(t, "GET", "/api/v1/organization/acme/team/devs/members", e.admin, nil)
	if last, _ := m.field("synced").(map[string]any)["last_updated"].(string); !strings.HasSuffix(last, " -0000") {
		t.Fatalf("last_updated: %s", m.raw)
	}
	if got := e.srv.SyncedTeams(); len(got) != 1 || got[0] != "acme/devs" {
		t.Fatalf("SyncedTeams: %v", got)
	}

	// Disabling keeps the members and is idempotent.
	for range 2 {
		if a := e.call(t, "DELETE", syncPath, e.admin, nil); a.status != 200 || a.field("name") != "devs" {
			t.Fatalf("disable: %d %s", a.status, a.raw)
		}
	}
	if len(e.srv.SyncedTeams()) != 0 || len(e.srv.TeamMemberships("acme")["devs"]) != 2 {
		t.Fatal("after disable")
	}
	if a := e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/bob", e.alice, nil); a.status != 200 {
		t.Fatalf("add after disable: %d %s", a.status, a.raw)
	}
	if strings.Count(strings.Join(e.srv.UsageLogs("acme"), ","), "_team_sync") != 3 {
		t.Fatalf("logs: %v", e.srv.UsageLogs("acme"))
	}
}

func TestTeamSyncOIDCAndNonSuperusers(t *testing.T) {
	e := newSyncEnv(t, func(c *Config) {
		c.AuthenticationType = "OIDC"
		c.Features.NonSuperuserTeamSyncingSetup = true
	})
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs/members/acme+ci", e.alice, nil)
	// An org admin may set it up; OIDC accepts any group and empties the
	// team of people at once.
	a := e.call(t, "POST", syncPath, e.alice, map[string]any{"group_name": "engineering"})
	if a.status != 200 {
		t.Fatalf("enable: %d %s", a.status, a.raw)
	}
	if got := strings.Join(e.srv.TeamMemberships("acme")["devs"], ","); got != "acme+ci" {
		t.Fatalf("members after OIDC enable: %s", got)
	}
	m := e.call(t, "GET", "/api/v1/organization/acme/team/devs/members", e.alice, nil)
	canSync, _ := m.field("can_sync").(map[string]any)
	synced, _ := m.field("synced").(map[string]any)
	if canSync["service"] != "oidc" || canSync["issuer_domain"] != emulatedOIDCIssuerDomain || synced["service"] != "oidc" ||
		synced["config"].(map[string]any)["group_name"] != "engineering" {
		t.Fatalf("members: %s", m.raw)
	}
	e.srv.SetGroupMembers("engineering", []string{"bob"})
	if got := strings.Join(e.srv.TeamMemberships("acme")["devs"], ","); got != "acme+ci,bob" {
		t.Fatalf("members after login sync: %s", got)
	}
	// Someone who does not administer the organization still cannot.
	expectProblem(t, e.call(t, "DELETE", syncPath, e.bob, nil), 403, "insufficient_scope", "Unauthorized")
}

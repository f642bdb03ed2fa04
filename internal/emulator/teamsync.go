package emulator

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Team synchronization (quay-api.md §21; endpoints/api/team.py,
// data/model/team.py, data/users/*.py), behind FEATURE_TEAM_SYNCING: a
// team of an organization follows a group of the directory the install
// authenticates against (Config.AuthenticationType). The directory is
// emulated by SetGroupMembers; Quay's team sync worker by the same call.

// teamSync is a TeamSync row: the login service and the group config as sent.
type teamSync struct {
	service     string
	config      any
	lastUpdated *time.Time // set by the sync worker; null until it ran
}

const (
	// emulatedLDAPBaseDN is the LDAP_BASE_DN an LDAP install reports to
	// superusers setting up a sync.
	emulatedLDAPBaseDN = "dc=example,dc=org"
	// emulatedOIDCIssuerDomain is the host of the OIDC provider's issuer.
	emulatedOIDCIssuerDomain = "sso.example.org"
	syncedTeamRefusal        = "Cannot call this method on an auth-synced team"
)

// federatedService is authentication.federated_service: the login
// service of a directory-backed install, "" for the database (and app
// tokens).
func (s *Server) federatedService() string {
	switch s.cfg.AuthenticationType {
	case "LDAP":
		return "ldap"
	case "OIDC":
		return "oidc"
	case "Keystone":
		return "keystone"
	case "JWT":
		return "jwtauthn"
	}
	return ""
}

// serviceMetadata is authentication.service_metadata().
func (s *Server) serviceMetadata() map[string]any {
	switch s.cfg.AuthenticationType {
	case "LDAP":
		return map[string]any{"base_dn": emulatedLDAPBaseDN}
	case "OIDC":
		return map[string]any{"issuer_domain": emulatedOIDCIssuerDomain}
	}
	return map[string]any{}
}

// groupKey is the config key naming the group for the install's
// directory: group_dn (LDAP, relative to the base DN), group_name (OIDC),
// group_id (Keystone).
func (s *Server) groupKey() string {
	switch s.cfg.AuthenticationType {
	case "LDAP":
		return "group_dn"
	case "OIDC":
		return "group_name"
	case "Keystone":
		return "group_id"
	}
	return ""
}

func (s *Server) registerTeamSyncRoutes(rt *router) {
	if !s.cfg.Features.TeamSyncing {
		return
	}
	const p = "/api/v1/organization/{orgname}/team/{teamname}/syncing"
	rt.handle("POST", p, s.enableTeamSync)
	rt.handle("DELETE", p, s.disableTeamSync)
}

// syncingSetupAllowed is _syncing_setup_allowed: superusers (or anybody
// with FEATURE_NONSUPERUSER_TEAM_SYNCING_SETUP) who administer the
// organization.
func (s *Server) syncingSetupAllowed(c caller, orgname string) bool {
	if !s.cfg.Features.NonSuperuserTeamSyncingSetup && !c.superuser {
		return false
	}
	return s.orgAdminOf(c, orgname)
}

// syncTeam finds the team of a syncing call after the permission check.
func (r *request) syncTeam() (*namespace, *team, bool) {
	s := r.srv
	name := r.param("orgname")
	if !s.syncingSetupAllowed(r.caller, name) {
		r.forbidden()
		return nil, nil, false
	}
	org := s.state.org(name)
	var t *team
	if org != nil {
		t = org.team(r.param("teamname"))
	}
	if t == nil {
		r.notFound()
		return nil, nil, false
	}
	return org, t, true
}

// syncTeamView is team_view of endpoints/api/team.py.
func (s *Server) syncTeamView(c caller, org *namespace, t *team) map[string]any {
	return map[string]any{
		"name": t.name, "description": t.description, "can_view": s.isOrgAdmin(c, org) || t.hasMember(c.name()),
		"role": t.role, "avatar": avatar(t.name, "team"), "new_team": false,
	}
}

// checkGroupLookup is authentication.check_group_lookup_args: ok, or
// Quay's reason; crash where Quay's code fails on a body that is not an
// object.
func (s *Server) checkGroupLookup(body *jsonValue) (reason string, crash bool) {
	key := s.groupKey()
	switch s.cfg.AuthenticationType {
	case "OIDC":
		return "", false // no way to look a group up: always accepted
	case "LDAP", "Keystone":
	default:
		return "Not supported", false
	}
	if body == nil || body.kind != "object" {
		return "", true
	}
	v := body.get(key)
	if !pyTruthy(v) {
		return "Missing " + key, false
	}
	members, known := s.state.groups[pyText(v)]
	if s.cfg.AuthenticationType == "Keystone" {
		if !known {
			return "Group not found", false
		}
		return "", false
	}
	if len(members) == 0 {
		return "Group does not exist or is empty", false
	}
	return "", false
}

// POST /api/v1/organization/{orgname}/team/{teamname}/syncing (§21.1).
func (s *Server) enableTeamSync(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, t, ok := r.syncTeam()
	if !ok {
		return
	}
	raw, ok := r.readJSONBody()
	if !ok {
		return
	}
	body := parseJSONValue(raw)
	if body == nil {
		r.badJSON()
		return
	}
	reason, crash := s.checkGroupLookup(body)
	if crash {
		r.internalError()
		return
	}
	if reason != "" {
		r.invalidRequest("Could not sync to group: " + reason)
		return
	}
	if t.sync != nil {
		// TeamSync.team is unique: the second row fails, uncaught.
		r.internalError()
		return
	}
	t.sync = &teamSync{service: s.federatedService(), config: body.native()}
	r.logAction("enable_team_sync", org.name, map[string]any{"team": t.name})
	if s.cfg.AuthenticationType == "OIDC" {
		// Membership is rebuilt from the group as users log in; robots stay.
		kept := []string{}
		for _, m := range t.members {
			if isRobotName(m) {
				kept = append(kept, m)
			}
		}
		t.members = kept
	}
	r.ok(200, s.syncTeamView(r.caller, org, t))
}

// DELETE /api/v1/organization/{orgname}/team/{teamname}/syncing (§21.1):
// 200 with the team, synced or not; the members stay.
func (s *Server) disableTeamSync(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, t, ok := r.syncTeam()
	if !ok {
		return
	}
	t.sync = nil
	r.logAction("disable_team_sync", org.name, map[string]any{"team": t.name})
	r.ok(200, s.syncTeamView(r.caller, org, t))
}

// syncedTeamRefuses is disallow_for_synced_team, which runs before the
// handler's permission check: with team syncing on and a directory
// behind the install, a synced team refuses membership calls (robots
// excepted when exceptRobots). Callers hold s.mu.
func (s *Server) syncedTeamRefuses(r *request, exceptRobots bool) bool {
	if !s.cfg.Features.TeamSyncing || s.federatedService() == "" {
		return false
	}
	org := s.state.org(r.param("orgname"))
	if org == nil {
		return false
	}
	t := org.team(r.param("teamname"))
	if t == nil || t.sync == nil {
		return false
	}
	if exceptRobots && strings.Contains(r.param("membername"), "+") {
		return false
	}
	r.invalidRequest(syncedTeamRefusal)
	return true
}

// teamSyncInfo adds what the members list shows of syncing: can_sync for
// callers who may set it up, synced for a synced team (its last update
// and config only for superusers, unless non-superusers may set syncing
// up). Callers hold s.mu.
func (s *Server) teamSyncInfo(c caller, org *namespace, t *team, view map[string]any) {
	service := s.federatedService()
	if !s.cfg.Features.TeamSyncing || service == "" {
		return
	}
	if s.syncingSetupAllowed(c, org.name) {
		canSync := map[string]any{"service": service}
		for k, v := range s.serviceMetadata() {
			canSync[k] = v
		}
		view["can_sync"] = canSync
	}
	if t.sync == nil {
		return
	}
	synced := map[string]any{"service": t.sync.service}
	if s.cfg.Features.NonSuperuserTeamSyncingSetup || c.superuser {
		var last any
		if t.sync.lastUpdated != nil {
			last = rfc2822(*t.sync.lastUpdated)
		}
		synced["last_updated"] = last
		synced["config"] = t.sync.config
	}
	view["synced"] = synced
}

// SetGroupMembers makes group (a group_dn under LDAP, a group_name under
// OIDC, a group_id under Keystone) hold users in the emulated directory,
// then does what Quay's team sync worker (LDAP, Keystone) or the users'
// next logins (OIDC) would: every team synced to the group gets exactly
// the group's users that exist in the emulator as its human members
// (robots stay) and its last_updated set.
func (s *Server) SetGroupMembers(group string, users []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.groups == nil {
		s.state.groups = map[string][]string{}
	}
	s.state.groups[group] = append([]string{}, users...)
	s.syncTeamsOf(group)
}

// syncTeamsOf syncs the teams following group. Callers hold s.mu.
func (s *Server) syncTeamsOf(group string) {
	key := s.groupKey()
	if key == "" {
		return
	}
	now := time.Now().UTC()
	for _, ns := range s.state.namespaces {
		for _, t := range ns.teams {
			if t.sync == nil {
				continue
			}
			cfg, _ := t.sync.config.(map[string]any)
			if name, _ := cfg[key].(string); name != group {
				continue
			}
			members := []string{}
			for _, m := range t.members {
				if isRobotName(m) {
					members = append(members, m)
				}
			}
			users := append([]string{}, s.state.groups[group]...)
			sort.Strings(users)
			for _, u := range users {
				if s.state.user(u) != nil && !slices.Contains(members, u) {
					members = append(members, u)
				}
			}
			t.members = members
			t.sync.lastUpdated = &now
		}
	}
}

// SyncedTeams lists every synced team as "org/team", sorted, for tests.
func (s *Server) SyncedTeams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, t := range ns.teams {
			if t.sync != nil {
				out = append(out, ns.name+"/"+t.name)
			}
		}
	}
	sort.Strings(out)
	return out
}

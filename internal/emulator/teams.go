package emulator

import (
	"encoding/json"
	"sort"
	"strings"
)

// Teams, team membership, invitations and org members (quay-api.md §5).

// teamSchema is the TeamDescription body schema (endpoints/api/team.py).
var teamSchema = mustSchema(`{"type": "object", "required": ["role"], "properties": {
	"role": {"type": "string", "enum": ["member", "creator", "admin"]},
	"description": {"type": "string"}}}`)

// adminTeamsOf lists the admin-role teams of org that user is in.
func adminTeamsOf(org *namespace, user string) []*team {
	var out []*team
	for _, t := range org.teams {
		if t.role == "admin" && t.hasMember(user) {
			out = append(out, t)
		}
	}
	return out
}

// inAnyTeam reports whether user is a (non-pending) member of some team of org.
func inAnyTeam(org *namespace, user string) bool {
	for _, t := range org.teams {
		if t.hasMember(user) {
			return true
		}
	}
	return false
}

// PUT /api/v1/organization/{orgname}/team/{teamname} (§5.4): create or update.
func (s *Server) upsertTeam(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(teamSchema, &body) {
		return
	}
	role, _, _ := getString(body, "role")
	description, descPresent, _ := getString(body, "description")
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("teamname")
	org := s.state.org(r.param("orgname"))
	if !s.isOrgAdmin(r.caller, org) {
		r.forbidden()
		return
	}
	if org == nil {
		r.modelError("Organization does not exist: " + r.param("orgname"))
		return
	}
	t := org.team(name)
	isNew := t == nil
	if isNew {
		if reason := validateNamespace(name); reason != "" {
			if len(name) < 2 || len(name) > 255 {
				reason = "Team must be between 2 and 255 characters in length"
			}
			r.modelError("Invalid team name " + name + ": " + reason)
			return
		}
		t = &team{name: name, role: role, description: description}
		org.teams = append(org.teams, t)
		r.logAction("org_create_team", org.name, map[string]any{"team": name})
	} else {
		if t.role == "admin" && role != "admin" && r.caller.user != nil && t.hasMember(r.caller.name()) &&
			len(adminTeamsOf(org, r.caller.name())) == 1 {
			r.modelError("Cannot remove admin from team '" + name + "' because calling user would no longer have admin on org '" + org.name + "'")
			return
		}
		if descPresent && t.description != description {
			t.description = description
			r.logAction("org_set_team_description", org.name, map[string]any{"team": name, "description": description})
		}
		if t.role != role {
			t.role = role
			r.logAction("org_set_team_role", org.name, map[string]any{"team": name, "role": role})
		}
	}
	r.ok(200, map[string]any{
		"name": t.name, "description": t.description, "can_view": true, "role": t.role,
		"avatar": avatar(t.name, "team"), "new_team": isNew,
	})
}

// DELETE /api/v1/organization/{orgname}/team/{teamname} (§5.5).
func (s *Server) deleteTeam(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil {
		return
	}
	name := r.param("teamname")
	t := org.team(name)
	if t == nil {
		r.modelError("Team '" + name + "' is not a team in org '" + org.name + "'")
		return
	}
	if t.role == "admin" {
		callerAdmin := adminTeamsOf(org, r.caller.name())
		if len(callerAdmin) == 0 {
			// Quay's guard indexes the caller's admin teams and crashes.
			writeHTML(r.w, 500, "<html><body><h1>Internal Server Error</h1></body></html>")
			return
		}
		if len(callerAdmin) == 1 && callerAdmin[0] == t {
			r.modelError("Deleting team '" + name + "' would remove admin ability for user '" + r.caller.name() + "' in organization '" + org.name + "'")
			return
		}
	}
	for i, x := range org.teams {
		if x == t {
			org.teams = append(org.teams[:i], org.teams[i+1:]...)
			break
		}
	}
	org.dropPrototypes(func(p *prototype) bool { return p.delegateKind == "team" && p.delegateName == name })
	org.dropGrantsOf(name, "")
	r.logAction("org_delete_team", org.name, map[string]any{"team": name})
	r.noContent()
}

// teamForMembers finds the team for membership calls, checking rights first.
func (s *Server) teamForMembers(r *request, write bool) (*namespace, *team) {
	org := s.state.org(r.param("orgname"))
	t := (*team)(nil)
	if org != nil {
		t = org.team(r.param("teamname"))
	}
	allowed := s.isOrgAdmin(r.caller, org)
	if !write && !allowed && t != nil && r.caller.user != nil && t.hasMember(r.caller.name()) {
		allowed = true
	}
	if !allowed {
		r.forbidden()
		return nil, nil
	}
	if t == nil {
		r.notFound()
		return nil, nil
	}
	return org, t
}

// memberEntry is member_view: robots are members of kind "user" too.
func memberEntry(name string, invited bool) map[string]any {
	return map[string]any{"name": name, "kind": "user", "is_robot": isRobotName(name), "avatar": accountAvatar(name), "invited": invited}
}

func emailInviteEntry(email string) map[string]any {
	return map[string]any{"email": email, "kind": "invite", "avatar": avatar(email, "user"), "invited": true}
}

// GET /api/v1/organization/{orgname}/team/{teamname}/members (§5.6).
func (s *Server) listTeamMembers(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, t := s.teamForMembers(r, false)
	if t == nil {
		return
	}
	members := []any{}
	for _, m := range t.members {
		members = append(members, memberEntry(m, false))
	}
	if r.queryBool("includePending", false) && s.isOrgAdmin(r.caller, org) {
		for _, inv := range t.invites {
			if inv.user != "" {
				members = append(members, memberEntry(inv.user, true))
			} else {
				members = append(members, emailInviteEntry(inv.email))
			}
		}
	}
	view := map[string]any{"name": t.name, "members": members, "can_edit": s.isOrgAdmin(r.caller, org)}
	s.teamSyncInfo(r.caller, org, t, view)
	r.ok(200, view)
}

// PUT /api/v1/organization/{orgname}/team/{teamname}/members/{membername} (§5.7).
// With mailing and required invitations, a user in no team of the org is
// invited rather than added, and each call adds another invitation.
// Robots are never invited; only with invitations required does Quay
// check that a robot belongs to the organization (add_or_invite_to_team),
// so without them a robot of any namespace is added.
func (s *Server) addTeamMember(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.syncedTeamRefuses(r, true) {
		return
	}
	org, t := s.teamForMembers(r, true)
	if t == nil {
		return
	}
	name := r.param("membername")
	if !s.state.account(name) {
		r.invalidRequest("Unknown user")
		return
	}
	invites := s.cfg.Features.Mailing && s.cfg.Features.RequireTeamInvite
	robot := isRobotName(name)
	if robot && invites && !strings.HasPrefix(name, org.name+"+") {
		r.modelError("Cannot add the specified robot to this team, as it is not a member of the organization")
		return
	}
	if t.hasMember(name) {
		r.modelError("User " + name + " is already a member of team " + t.name)
		return
	}
	if invites && !robot && !inAnyTeam(org, name) {
		t.invites = append(t.invites, &invite{user: name})
		r.logAction("org_invite_team_member", org.name, map[string]any{"user": name, "member": name, "team": t.name})
		r.ok(200, memberEntry(name, true))
		return
	}
	t.members = append(t.members, name)
	r.logAction("org_add_team_member", org.name, map[string]any{"member": name, "team": t.name})
	r.ok(200, memberEntry(name, false))
}

// DELETE /api/v1/organization/{orgname}/team/{teamname}/members/{membername} (§5.8).
func (s *Server) removeTeamMember(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.syncedTeamRefuses(r, true) {
		return
	}
	org, t := s.teamForMembers(r, true)
	if t == nil {
		return
	}
	name := r.param("membername")
	if !s.state.account(name) {
		r.notFound()
		return
	}
	for i, inv := range t.invites {
		if inv.user == name {
			t.invites = append(t.invites[:i], t.invites[i+1:]...)
			r.logAction("org_delete_team_member_invite", org.name, map[string]any{"user": name, "team": t.name, "member": name})
			r.noContent()
			return
		}
	}
	if !t.hasMember(name) {
		r.modelError("User " + name + " does not belong to team " + t.name)
		return
	}
	if name == r.caller.name() && t.role == "admin" && len(adminTeamsOf(org, name)) == 1 {
		r.modelError("User cannot remove themselves from their only admin team.")
		return
	}
	t.members = without(t.members, name)
	r.logAction("org_remove_team_member", org.name, map[string]any{"member": name, "team": t.name})
	r.noContent()
}

// PUT and DELETE /api/v1/organization/{orgname}/team/{teamname}/invite/{email} (§5.9).
func (s *Server) inviteEmail(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.syncedTeamRefuses(r, false) {
		return
	}
	org, t := s.teamForMembers(r, true)
	if t == nil {
		return
	}
	email := r.param("email")
	t.invites = append(t.invites, &invite{email: email})
	r.logAction("org_invite_team_member", org.name, map[string]any{"email": email, "team": t.name, "member": email})
	r.ok(200, emailInviteEntry(email))
}

func (s *Server) deleteEmailInvite(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, t := s.teamForMembers(r, true)
	if t == nil {
		return
	}
	email := r.param("email")
	for i, inv := range t.invites {
		if inv.email == email {
			t.invites = append(t.invites[:i], t.invites[i+1:]...)
			r.logAction("org_delete_team_member_invite", org.name, map[string]any{"email": email, "team": t.name, "member": email})
			r.noContent()
			return
		}
	}
	r.notFound()
}

// orgMemberView is a member (a user, or in the member detail a robot) with
// the teams of org it is in and the repositories of org it has a direct
// permission on.
func orgMemberView(org *namespace, user string) map[string]any {
	teams := []any{}
	for _, t := range org.teams {
		if t.hasMember(user) {
			teams = append(teams, map[string]any{"name": t.name, "avatar": avatar(t.name, "team")})
		}
	}
	var repos []string
	for name, g := range org.repoGrants {
		if g.users[user] != "" {
			repos = append(repos, name)
		}
	}
	sort.Strings(repos)
	repositories := []any{}
	for _, name := range repos {
		repositories = append(repositories, name)
	}
	kind := "user"
	if isRobotName(user) {
		kind = "robot"
	}
	return map[string]any{"name": user, "kind": kind, "avatar": accountAvatar(user), "teams": teams, "repositories": repositories}
}

// orgForAdminRead loads the org for OrgAdmin reads (403 first, then 404).
func (s *Server) orgForAdminRead(r *request) *namespace {
	return s.orgForWrite(r)
}

// GET /api/v1/organization/{orgname}/members (§5.1): people only; robots
// in the org's teams are left out.
func (s *Server) listOrgMembers(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForAdminRead(r)
	if org == nil {
		return
	}
	seen := map[string]bool{}
	var names []string
	for _, t := range org.teams {
		for _, m := range t.members {
			if !seen[m] && !isRobotName(m) {
				seen[m] = true
				names = append(names, m)
			}
		}
	}
	sort.Strings(names)
	members := []any{}
	for _, n := range names {
		members = append(members, orgMemberView(org, n))
	}
	r.ok(200, map[string]any{"members": members})
}

// GET /api/v1/organization/{orgname}/members/{membername} (§5.2): a user
// or robot in a team of the org, or a robot of the org in no team.
func (s *Server) getOrgMember(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForAdminRead(r)
	if org == nil {
		return
	}
	name := r.param("membername")
	ownRobot := strings.HasPrefix(name, org.name+"+")
	if !s.state.account(name) || !(inAnyTeam(org, name) || ownRobot) {
		r.notFound()
		return
	}
	r.ok(200, orgMemberView(org, name))
}

// DELETE /api/v1/organization/{orgname}/members/{membername} (§5.3).
func (s *Server) removeOrgMember(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil {
		return
	}
	name := r.param("membername")
	if s.state.user(name) == nil {
		r.notFound()
		return
	}
	admins := map[string]bool{}
	for _, t := range org.teams {
		if t.role == "admin" {
			for _, m := range t.members {
				admins[m] = true
			}
		}
	}
	if admins[name] && len(admins) == 1 {
		r.modelError("Cannot remove user as they are the only organization admin")
		return
	}
	for _, t := range org.teams {
		t.members = without(t.members, name)
	}
	org.dropGrantsOf("", name)
	r.noContent()
}

// AcceptInvitations accepts every pending invitation of user to org's
// teams, as the user would in the UI. For tests.
func (s *Server) AcceptInvitations(org, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.state.org(org)
	if o == nil {
		return
	}
	for _, t := range o.teams {
		kept := t.invites[:0]
		for _, inv := range t.invites {
			if inv.user == user {
				if !t.hasMember(user) {
					t.members = append(t.members, user)
				}
				continue
			}
			kept = append(kept, inv)
		}
		t.invites = kept
	}
}

// TeamMemberships returns org's teams with their members, for test assertions.
func (s *Server) TeamMemberships(org string) map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.state.org(org)
	if o == nil {
		return nil
	}
	out := map[string][]string{}
	for _, t := range o.teams {
		m := append([]string{}, t.members...)
		sort.Strings(m)
		out[t.name] = m
	}
	return out
}

// PendingInvitations counts org's pending invitations, for test assertions.
func (s *Server) PendingInvitations(org string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.state.org(org)
	if o == nil {
		return 0
	}
	n := 0
	for _, t := range o.teams {
		n += len(t.invites)
	}
	return n
}

// Teams lists every team as "org/team", for test assertions.
func (s *Server) Teams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, t := range ns.teams {
			out = append(out, ns.name+"/"+t.name)
		}
	}
	sort.Strings(out)
	return out
}

// OrgMembers lists every membership of a person as "org/user" (robots in
// teams are left out, as the members list leaves them out), for test
// assertions.
func (s *Server) OrgMembers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		seen := map[string]bool{}
		for _, t := range ns.teams {
			for _, m := range t.members {
				if !seen[m] && !isRobotName(m) {
					seen[m] = true
					out = append(out, ns.name+"/"+m)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

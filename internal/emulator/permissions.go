package emulator

import (
	"encoding/json"
	"sort"
	"strings"
)

// Repository permissions: direct grants of users, robots and teams on one
// repository (quay-api.md §14; endpoints/api/permission.py,
// data/model/permission.py).

// repoGrants are the permission rows of one repository, by grantee name.
type repoGrants struct {
	users map[string]string // user or robot -> role
	teams map[string]string // team -> role
}

// permissionSchema is Quay's UserPermission / TeamPermission body schema.
var permissionSchema = mustSchema(`{"type": "object", "description": "Description of a user permission.",
	"required": ["role"],
	"properties": {"role": {"type": "string", "description": "Role to use for the user", "enum": ["read", "write", "admin"]}}}`)

func init() {
	repositoryCreateHooks = append(repositoryCreateHooks, grantOnCreate)
	repositoryDeleteHooks = append(repositoryDeleteHooks, func(s *Server, ns, name string) {
		if n := s.state.namespaces[ns]; n != nil {
			delete(n.repoGrants, name)
		}
	})
	repositoryRoleHooks = append(repositoryRoleHooks, grantedRole)
}

func (s *Server) registerPermissionRoutes(rt *router) {
	const base = "/api/v1/repository/{repository}/permissions"
	rt.handle("GET", base+"/user/", s.listPermissions(userGrants))
	rt.handle("GET", base+"/team/", s.listPermissions(teamGrants))
	rt.handle("GET", base+"/user/{username}", s.getPermission(userGrants))
	rt.handle("PUT", base+"/user/{username}", s.setUserPermission)
	rt.handle("DELETE", base+"/user/{username}", s.deletePermission(userGrants))
	rt.handle("GET", base+"/team/{teamname}", s.getPermission(teamGrants))
	rt.handle("PUT", base+"/team/{teamname}", s.setTeamPermission)
	rt.handle("DELETE", base+"/team/{teamname}", s.deletePermission(teamGrants))
}

// grants returns the rows of ns/name, made on first use when create is set.
func (st *state) grants(ns, name string, create bool) *repoGrants {
	n := st.namespaces[ns]
	if n == nil {
		return nil
	}
	g := n.repoGrants[name]
	if g == nil && create {
		if n.repoGrants == nil {
			n.repoGrants = map[string]*repoGrants{}
		}
		g = &repoGrants{users: map[string]string{}, teams: map[string]string{}}
		n.repoGrants[name] = g
	}
	return g
}

// grantOnCreate gives the creator (a user, or a robot pushing) admin and,
// in an organization, applies its default permissions, as Quay's
// create_repository does (§13.2, §15.2): default permissions only when the
// creator is not the namespace itself.
func grantOnCreate(s *Server, ns, name, creator string) {
	if creator == "" || !s.state.account(creator) {
		return
	}
	g := s.state.grants(ns, name, true)
	g.users[creator] = "admin"
	org := s.state.org(ns)
	if org == nil || creator == ns {
		return
	}
	apply := func(kind string) map[string]string {
		final := map[string]string{}
		for _, p := range org.prototypes {
			if p.delegateKind != kind || (p.activating != "" && p.activating != creator) {
				continue
			}
			// A default permission for the creator pre-empts one for anybody.
			if _, seen := final[p.delegateName]; seen && p.activating == "" {
				continue
			}
			final[p.delegateName] = p.role
		}
		return final
	}
	for team, role := range apply("team") {
		g.teams[team] = role
	}
	for user, role := range apply("user") {
		if user != creator { // the creator has admin already
			g.users[user] = role
		}
	}
}

// grantedRole is user's strongest role on ns/name from its direct row and
// the rows of teams it is in.
func grantedRole(s *Server, ns, name, user string) string {
	g := s.state.grants(ns, name, false)
	if g == nil {
		return ""
	}
	best := g.users[user]
	if org := s.state.org(ns); org != nil {
		for team, role := range g.teams {
			if t := org.team(team); t != nil && t.hasMember(user) && repoRoleRank[role] > repoRoleRank[best] {
				best = role
			}
		}
	}
	return best
}

// permissionCall checks the caller for a permission endpoint: a repository
// admin or a full-access superuser, before anything else. The repository
// may be missing; each handler answers that as Quay does.
func (s *Server) permissionCall(r *request) (ns, name string, ok bool) {
	ns, name = splitRepository(r.param("repository"))
	if !r.caller.fullAccess && s.repoRole(r.caller, ns, name) != "admin" {
		r.forbidden()
		return "", "", false
	}
	return ns, name, true
}

// userPermissionView is a user's or robot's row; is_org_member only for
// repositories of an organization (robots always count as members).
func (s *Server) userPermissionView(ns, user, role string) map[string]any {
	robot := isRobotName(user)
	v := map[string]any{"role": role, "name": user, "is_robot": robot, "avatar": accountAvatar(user)}
	if org := s.state.org(ns); org != nil {
		v["is_org_member"] = robot || inAnyTeam(org, user)
	}
	return v
}

func teamPermissionView(team, role string) map[string]any {
	return map[string]any{"role": role, "name": team, "avatar": avatar(team, "team")}
}

// grantKind tells the user and team endpoints apart where they differ
// only in names, texts and views.
type grantKind struct {
	param   string // path parameter naming the grantee
	missing string // Quay's text when there is no such row
	rows    func(*repoGrants) map[string]string
	view    func(s *Server, ns, who, role string) map[string]any // a row as listed
	logKey  string                                               // metadata key naming the grantee
}

var (
	userGrants = grantKind{
		param: "username", missing: "User does not have permission for repo.", logKey: "username",
		rows: func(g *repoGrants) map[string]string { return g.users },
		view: func(s *Server, ns, who, role string) map[string]any { return s.userPermissionView(ns, who, role) },
	}
	teamGrants = grantKind{
		param: "teamname", missing: "Team does not have permission for repo.", logKey: "team",
		rows: func(g *repoGrants) map[string]string { return g.teams },
		view: func(_ *Server, _, who, role string) map[string]any { return teamPermissionView(who, role) },
	}
)

// listPermissions serves GET .../permissions/user/ and .../team/ (§14.1):
// a missing repository lists nothing.
func (s *Server) listPermissions(k grantKind) func(*request) {
	return func(r *request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ns, name, ok := s.permissionCall(r)
		if !ok {
			return
		}
		out := map[string]any{}
		if g := s.state.grants(ns, name, false); g != nil {
			for who, role := range k.rows(g) {
				out[who] = k.view(s, ns, who, role)
			}
		}
		r.ok(200, map[string]any{"permissions": out})
	}
}

// grantRow finds the row a GET or DELETE names, after the caller check;
// role is "" when there is none (also for an unknown grantee or repository).
func (s *Server) grantRow(r *request, k grantKind) (ns, name, who, role string, ok bool) {
	ns, name, ok = s.permissionCall(r)
	if !ok {
		return "", "", "", "", false
	}
	who = r.param(k.param)
	if g := s.state.grants(ns, name, false); g != nil && s.state.repo(ns, name) != nil {
		role = k.rows(g)[who]
	}
	return ns, name, who, role, true
}

// getPermission serves GET .../user/{username} and .../team/{teamname}: no
// row is an uncaught model error, 400 {"message"}; a team's answer is its
// role only.
func (s *Server) getPermission(k grantKind) func(*request) {
	return func(r *request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ns, _, who, role, ok := s.grantRow(r, k)
		switch {
		case !ok:
		case role == "":
			r.modelError(k.missing)
		case k.param == teamGrants.param:
			r.ok(200, map[string]any{"role": role})
		default:
			r.ok(200, k.view(s, ns, who, role))
		}
	}
}

// permissionBody reads the role of a PUT; Quay checks it after the caller.
func (r *request) permissionBody() (string, bool) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(permissionSchema, &body) {
		return "", false
	}
	role, _, _ := getString(body, "role")
	return role, true
}

// PUT .../permissions/user/{username} (§14.2): an upsert, in Quay's order
// of checks; a missing repository fails unguarded (500).
func (s *Server) setUserPermission(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := s.permissionCall(r)
	if !ok {
		return
	}
	role, ok := r.permissionBody()
	if !ok {
		return
	}
	user := r.param("username")
	if user == ns {
		r.invalidRequest("Namespace owner must always be admin.")
		return
	}
	// Any account matches, an organization's name too; robots can only be
	// granted in their own namespace.
	if s.state.namespaces[user] == nil && s.state.robot(user) == nil {
		r.invalidRequest("Invalid username: " + user)
		return
	}
	if isRobotName(user) && !strings.HasPrefix(user, ns+"+") {
		r.invalidRequest("Cannot add robot " + user + " under namespace " + ns)
		return
	}
	if s.state.repo(ns, name) == nil {
		r.internalError()
		return
	}
	s.state.grants(ns, name, true).users[user] = role
	r.logAction("change_repo_permission", ns, map[string]any{"username": user, "repo": name, "namespace": ns, "role": role})
	r.ok(200, s.userPermissionView(ns, user, role))
}

// PUT .../permissions/team/{teamname}: the team must be one of the
// repository's organization.
func (s *Server) setTeamPermission(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := s.permissionCall(r)
	if !ok {
		return
	}
	role, ok := r.permissionBody()
	if !ok {
		return
	}
	team := r.param("teamname")
	if org := s.state.org(ns); org == nil || org.team(team) == nil {
		r.invalidRequest("No team " + team + " in organization " + ns)
		return
	}
	if s.state.repo(ns, name) == nil {
		r.internalError()
		return
	}
	s.state.grants(ns, name, true).teams[team] = role
	r.logAction("change_repo_permission", ns, map[string]any{"team": team, "repo": name, "role": role})
	r.ok(200, teamPermissionView(team, role))
}

// deletePermission serves DELETE .../user/{username} and .../team/{teamname};
// the namespace owner's row stays.
func (s *Server) deletePermission(k grantKind) func(*request) {
	return func(r *request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ns, name, who, role, ok := s.grantRow(r, k)
		switch {
		case !ok:
			return
		case k.param == userGrants.param && who == ns:
			r.invalidRequest("Namespace owner must always be admin.")
			return
		case role == "":
			r.invalidRequest(k.missing)
			return
		}
		delete(k.rows(s.state.grants(ns, name, false)), who)
		meta := map[string]any{k.logKey: who, "repo": name}
		if k.param == userGrants.param {
			meta["namespace"] = ns
		}
		r.logAction("delete_repo_permission", ns, meta)
		r.noContent()
	}
}

// dropGrantsOf removes the rows of a deleted team (team != "") or of a user
// leaving the organization or deleted, on the repositories of ns.
func (ns *namespace) dropGrantsOf(team, user string) {
	for _, g := range ns.repoGrants {
		if team != "" {
			delete(g.teams, team)
		}
		if user != "" {
			delete(g.users, user)
		}
	}
}

// RepositoryGrants lists the rows of ns/name as "user:name=role" and
// "team:name=role", sorted, for test assertions.
func (s *Server) RepositoryGrants(ns, name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if g := s.state.grants(ns, name, false); g != nil {
		for u, role := range g.users {
			out = append(out, "user:"+u+"="+role)
		}
		for t, role := range g.teams {
			out = append(out, "team:"+t+"="+role)
		}
	}
	sort.Strings(out)
	return out
}

// AllRepositoryGrants lists every permission row as
// "namespace/repository/user:name=role" or ".../team:name=role", for test
// assertions.
func (s *Server) AllRepositoryGrants() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for repo, g := range ns.repoGrants {
			for u, role := range g.users {
				out = append(out, ns.name+"/"+repo+"/user:"+u+"="+role)
			}
			for t, role := range g.teams {
				out = append(out, ns.name+"/"+repo+"/team:"+t+"="+role)
			}
		}
	}
	sort.Strings(out)
	return out
}

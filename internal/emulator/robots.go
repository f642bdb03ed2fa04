package emulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Robot accounts (quay-api.md §12; endpoints/api/robot.py,
// endpoints/api/robot_models_pre_oci.py, data/model/user.py). A robot is
// an account "<namespace>+<short>" owned by an organization or a user; its
// token logs it in to the registry (registry.go), and everywhere else it
// is addressed like a user: team membership (teams.go), repository
// permissions (permissions.go), default permissions (prototypes.go).

// robot is one robot account.
type robot struct {
	namespace    string
	short        string
	description  string
	metadata     any    // unstructured_metadata as stored: {} when none was sent
	token        string // 64 characters [A-Z0-9]
	created      time.Time
	lastAccessed *time.Time // set by registry logins (FEATURE_USER_LAST_ACCESSED)
	federation   []federatedIdentity
	id           int64 // the user row's id: creation order
}

func (rb *robot) fullName() string { return rb.namespace + "+" + rb.short }

// federatedIdentity is one entry of a robot's federation config: tokens
// of issuer whose subject matches may be exchanged for a robot token.
type federatedIdentity struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
}

const (
	// robotMaxJSON is ROBOT_MAX_SIZE, the create body's size guard.
	robotMaxJSON = 1024 * 1024
	// lastAccessedThreshold is LAST_ACCESSED_UPDATE_THRESHOLD_S: a login
	// within it of the last stamp leaves last_accessed alone.
	lastAccessedThreshold = 60 * time.Second
	// permissionDenied is Flask's text for abort(403), which the org
	// robot-permissions endpoint answers as {"message"}.
	permissionDenied = "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server."
	robotNotFound    = "Could not find robot with specified username"
)

// createRobotSchema is CREATE_ROBOT_SCHEMA.
var createRobotSchema = mustSchema(`{"type": "object", "description": "Optional data for creating a robot", "properties": {
	"description": {"type": "string", "description": "Optional text description for the robot", "maxLength": 255},
	"unstructured_metadata": {"type": "object", "description": "Optional unstructured metadata for the robot"}}}`)

// robotFederationSchema is CREATE_ROBOT_FEDERATION_SCHEMA as Quay 3.18
// declares it: a top-level array of issuer and subject pairs.
var robotFederationSchema = mustSchema(`{"type": "array", "description": "Federation configuration for the robot", "items": {
	"type": "object",
	"properties": {
		"issuer": {"type": "string", "description": "The issuer of the token"},
		"subject": {"type": "string", "description": "The subject of the token"}},
	"required": ["issuer", "subject"]}}`)

// robotDeleteGuards may refuse a robot's delete: each returns Quay's
// message, or "" to let it go. They run with s.mu held.
var robotDeleteGuards []func(s *Server, full string) string

// robotDropHooks run when a robot is deleted, with s.mu held, for what
// goes with it outside the namespace's own rows.
var robotDropHooks []func(s *Server, full string)

func init() {
	// A namespace's robots go with it, and with them whatever names them.
	namespaceDeleteHooks = append(namespaceDeleteHooks, func(s *Server, ns *namespace) {
		for _, rb := range ns.robots {
			s.dropRobot(ns, rb)
		}
	})
}

func (s *Server) registerRobotRoutes(rt *router) {
	const org = "/api/v1/organization/{orgname}/robots"
	rt.handle("GET", org, s.listOrgRobots)
	rt.handle("GET", org+"/{robot_shortname}", s.getOrgRobot)
	rt.handle("PUT", org+"/{robot_shortname}", s.createOrgRobot)
	rt.handle("DELETE", org+"/{robot_shortname}", s.deleteOrgRobot)
	rt.handle("POST", org+"/{robot_shortname}/regenerate", s.regenerateOrgRobot)
	rt.handle("GET", org+"/{robot_shortname}/permissions", s.orgRobotPermissions)
	if versionAtLeast(s.cfg.Version, 3, 13) {
		rt.handle("GET", org+"/{robot_shortname}/federation", s.getOrgRobotFederation)
		rt.handle("POST", org+"/{robot_shortname}/federation", s.setOrgRobotFederation)
		rt.handle("DELETE", org+"/{robot_shortname}/federation", s.deleteOrgRobotFederation)
	}

	const user = "/api/v1/user/robots"
	rt.handle("GET", user, s.listUserRobots)
	rt.handle("GET", user+"/{robot_shortname}", s.getUserRobot)
	rt.handle("PUT", user+"/{robot_shortname}", s.createUserRobot)
	rt.handle("DELETE", user+"/{robot_shortname}", s.deleteUserRobot)
	rt.handle("POST", user+"/{robot_shortname}/regenerate", s.regenerateUserRobot)
	rt.handle("GET", user+"/{robot_shortname}/permissions", s.userRobotPermissions)
	if versionAtLeast(s.cfg.Version, 3, 18) {
		rt.handle("GET", user+"/{robot_shortname}/federation", s.getUserRobotFederation)
		rt.handle("POST", user+"/{robot_shortname}/federation", s.setUserRobotFederation)
		rt.handle("DELETE", user+"/{robot_shortname}/federation", s.deleteUserRobotFederation)
	}
}

// versionAtLeast says whether a Quay version "x.y[.z]" is x.y or newer;
// an unparsable one counts as the newest.
func versionAtLeast(v string, major, minor int) bool {
	var x, y int
	if _, err := fmt.Sscanf(v, "%d.%d", &x, &y); err != nil {
		return true
	}
	return x > major || (x == major && y >= minor)
}

// State lookups. Callers hold s.mu.

// robot returns the robot with the full name "namespace+short", or nil.
func (st *state) robot(fullName string) *robot {
	ns, short, found := strings.Cut(fullName, "+")
	if !found {
		return nil
	}
	return st.namespaceRobot(ns, short)
}

func (st *state) namespaceRobot(ns, short string) *robot {
	if n := st.namespaces[ns]; n != nil {
		return n.robots[short]
	}
	return nil
}

// account says whether name is a user or a robot, the accounts Quay's
// get_user finds (organizations are not).
func (st *state) account(name string) bool {
	return st.user(name) != nil || st.robot(name) != nil
}

// accountAvatar is the avatar of a user or robot (Quay's
// get_data_for_user gives robots the kind "robot").
func accountAvatar(name string) map[string]any {
	if isRobotName(name) {
		return avatar(name, "robot")
	}
	return avatar(name, "user")
}

// Permission checks.

// orgAdminOf is AdministerOrganizationPermission(name), or a full-access
// superuser: an admin of the organization, or the user whose own
// namespace name is, as Quay makes every user the admin of its own
// namespace (an org:admin token either way).
func (s *Server) orgAdminOf(c caller, name string) bool {
	if s.isOrgAdmin(c, s.state.org(name)) {
		return true
	}
	return c.user != nil && c.user.name == name && c.scopes["org:admin"]
}

// orgMemberOf is OrganizationMemberPermission(name), or a full-access
// superuser, with the same own-namespace rule.
func (s *Server) orgMemberOf(c caller, name string) bool {
	if s.isOrgMember(c, s.state.org(name)) {
		return true
	}
	return c.user != nil && c.user.name == name && (c.scopes["org:admin"] || c.scopes["repo:create"])
}

// robotReader may read an organization's robots with their tokens: an
// admin, or before 3.16 any superuser (§24).
func (s *Server) robotReader(c caller, name string) bool {
	return s.orgAdminOf(c, name) || (c.superuser && before316(s.cfg.Version))
}

// requireUserAdmin is require_user_admin: an authenticated user whose
// token carries user:admin.
func (r *request) requireUserAdmin() bool {
	if r.caller.user == nil {
		r.unauthorized()
		return false
	}
	if !r.caller.scopes["user:admin"] {
		r.forbidden()
		return false
	}
	return true
}

// robotOrg is get_organization for the org paths that load the
// organization first; only a caller who passed the permission check on a
// missing organization (a full-access superuser) or on its own user
// namespace gets here with a name that is no organization.
func (r *request) robotOrg(name string) *namespace {
	org := r.srv.state.org(name)
	if org == nil {
		r.modelError("Organization does not exist: " + name)
	}
	return org
}

// lookupRobot is lookup_robot: a missing robot is an uncaught model error.
func (r *request) lookupRobot(ns, short string) *robot {
	rb := r.srv.state.namespaceRobot(ns, short)
	if rb == nil {
		r.modelError(robotNotFound)
	}
	return rb
}

// Views.

// robotView is Robot.to_dict: withMetadata adds unstructured_metadata.
func robotView(rb *robot, withToken, withMetadata bool) map[string]any {
	v := map[string]any{
		"name":          rb.fullName(),
		"created":       rfc2822(rb.created),
		"last_accessed": nil,
		"description":   rb.description,
	}
	if rb.lastAccessed != nil {
		v["last_accessed"] = rfc2822(*rb.lastAccessed)
	}
	if withToken {
		v["token"] = rb.token
	}
	if withMetadata {
		v["unstructured_metadata"] = rb.metadata
	}
	return v
}

// Handlers of the organization paths (§12.2).

// GET /api/v1/organization/{orgname}/robots. The limit is parsed before
// the permission check (parse_args wraps the handler).
func (s *Server) listOrgRobots(r *request) {
	limit, ok := r.robotListLimit()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, c := r.param("orgname"), r.caller
	if !s.orgMemberOf(c, name) && !(c.superuser && before316(s.cfg.Version)) {
		r.forbidden()
		return
	}
	reader := s.robotReader(c, name)
	r.ok(200, s.robotList(name, reader && r.queryTruthy("token", true), reader && r.queryTruthy("permissions", false), limit))
}

// GET /api/v1/organization/{orgname}/robots/{robot_shortname}.
func (s *Server) getOrgRobot(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.robotReader(r.caller, name) {
		r.forbidden()
		return
	}
	if r.robotOrg(name) == nil {
		return
	}
	if rb := r.lookupRobot(name, r.param("robot_shortname")); rb != nil {
		r.ok(200, robotView(rb, true, true))
	}
}

// PUT /api/v1/organization/{orgname}/robots/{robot_shortname}: the body
// is checked before the permission (validate_json_request sits on the
// method, the check inside it).
func (s *Server) createOrgRobot(r *request) {
	body, ok := r.decodeOptionalBody(createRobotSchema, robotMaxJSON)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	if org := r.robotOrg(name); org != nil {
		s.createRobot(r, org, r.param("robot_shortname"), body)
	}
}

// DELETE /api/v1/organization/{orgname}/robots/{robot_shortname}: the
// robot is looked up by its full name, whatever kind of namespace owns it.
func (s *Server) deleteOrgRobot(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	s.deleteRobot(r, name)
}

// POST /api/v1/organization/{orgname}/robots/{robot_shortname}/regenerate.
func (s *Server) regenerateOrgRobot(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	if r.robotOrg(name) != nil {
		s.regenerateRobot(r, name)
	}
}

// GET /api/v1/organization/{orgname}/robots/{robot_shortname}/permissions:
// require_user_admin first (the token needs user:admin), then the org
// check, which fails with Flask's abort(403).
func (s *Server) orgRobotPermissions(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.robotReader(r.caller, name) {
		writeJSON(r.w, 403, map[string]string{"message": permissionDenied})
		return
	}
	if r.robotOrg(name) == nil {
		return
	}
	if rb := r.lookupRobot(name, r.param("robot_shortname")); rb != nil {
		r.ok(200, map[string]any{"permissions": s.robotPermissions(rb.fullName())})
	}
}

// GET .../robots/{robot_shortname}/federation (3.13+).
func (s *Server) getOrgRobotFederation(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	if rb := r.lookupRobot(name, r.param("robot_shortname")); rb != nil {
		r.ok(200, federationView(rb))
	}
}

// POST .../robots/{robot_shortname}/federation (3.13+): schema, permission,
// then the entries, then the robot.
func (s *Server) setOrgRobotFederation(r *request) {
	body, _, ok := r.validJSON(robotFederationSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	s.setRobotFederation(r, name, body)
}

// DELETE .../robots/{robot_shortname}/federation (3.13+): empties the list.
func (s *Server) deleteOrgRobotFederation(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	s.clearRobotFederation(r, name)
}

// Handlers of the user paths (§12.6): require_user_admin comes first, and
// the namespace is always the token's own user.

// GET /api/v1/user/robots: the owner always sees the tokens.
func (s *Server) listUserRobots(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	limit, ok := r.robotListLimit()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ok(200, s.robotList(r.caller.name(), r.queryTruthy("token", true), r.queryTruthy("permissions", false), limit))
}

// GET /api/v1/user/robots/{robot_shortname}.
func (s *Server) getUserRobot(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rb := r.lookupRobot(r.caller.name(), r.param("robot_shortname")); rb != nil {
		r.ok(200, robotView(rb, true, true))
	}
}

// PUT /api/v1/user/robots/{robot_shortname}: the permission before the body.
func (s *Server) createUserRobot(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	body, ok := r.decodeOptionalBody(createRobotSchema, robotMaxJSON)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.createRobot(r, r.caller.user, r.param("robot_shortname"), body)
}

// DELETE /api/v1/user/robots/{robot_shortname}.
func (s *Server) deleteUserRobot(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteRobot(r, r.caller.name())
}

// POST /api/v1/user/robots/{robot_shortname}/regenerate.
func (s *Server) regenerateUserRobot(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regenerateRobot(r, r.caller.name())
}

// GET /api/v1/user/robots/{robot_shortname}/permissions.
func (s *Server) userRobotPermissions(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rb := r.lookupRobot(r.caller.name(), r.param("robot_shortname")); rb != nil {
		r.ok(200, map[string]any{"permissions": s.robotPermissions(rb.fullName())})
	}
}

// GET, POST and DELETE /api/v1/user/robots/{robot_shortname}/federation (3.18+).
func (s *Server) getUserRobotFederation(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rb := r.lookupRobot(r.caller.name(), r.param("robot_shortname")); rb != nil {
		r.ok(200, federationView(rb))
	}
}

func (s *Server) setUserRobotFederation(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	body, _, ok := r.validJSON(robotFederationSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setRobotFederation(r, r.caller.name(), body)
}

func (s *Server) deleteUserRobotFederation(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearRobotFederation(r, r.caller.name())
}

// Shared steps. Callers hold s.mu and have checked the caller.

// createRobot is create_robot in Quay's order of checks: ROBOTS_DISALLOW,
// the name, an existing robot; then the full name must fit the username
// column. PUT never updates: an existing robot is refused. The answer
// echoes unstructured_metadata as sent (null when it was not), while the
// robot stores {} for none.
func (s *Server) createRobot(r *request, owner *namespace, short string, body *jsonValue) {
	if s.cfg.RobotsDisallow {
		r.invalidRequest("Robot accounts have been disabled. Please contact your administrator.")
		return
	}
	if reason := validateNamespace(short); reason != "" {
		r.invalidRequest("The name for the robot '" + short + "' is invalid: " + reason)
		return
	}
	full := owner.name + "+" + short
	if owner.robots[short] != nil {
		r.invalidRequest("Existing robot with name: " + full)
		return
	}
	if len(full) > 255 {
		// PostgreSQL refuses the row; Quay passes its text on.
		r.modelError("value too long for type character varying(255)\n")
		return
	}
	rb := s.addRobot(owner, short)
	var description, sentMetadata any // as the request had them: nil when absent
	if body != nil {
		if d := body.get("description"); d != nil {
			description, rb.description = d.str, d.str
		}
		if m := body.get("unstructured_metadata"); m != nil {
			sentMetadata = m.native()
			if len(m.keys) > 0 {
				rb.metadata = m.native()
			}
		}
	}
	r.logAction("create_robot", owner.name, map[string]any{"robot": short, "description": description, "unstructured_metadata": sentMetadata})
	view := robotView(rb, true, true)
	view["unstructured_metadata"] = sentMetadata
	r.ok(201, view)
}

// addRobot stores a new robot of owner with a fresh token.
func (s *Server) addRobot(owner *namespace, short string) *robot {
	rb := &robot{
		namespace: owner.name, short: short, metadata: map[string]any{},
		token: randomUpper(64), created: time.Now().UTC(), id: s.state.newID(),
		federation: []federatedIdentity{},
	}
	if owner.robots == nil {
		owner.robots = map[string]*robot{}
	}
	owner.robots[short] = rb
	return rb
}

// deleteRobot serves both DELETE paths for the robot of namespace ns.
func (s *Server) deleteRobot(r *request, ns string) {
	short := r.param("robot_shortname")
	rb := r.lookupRobot(ns, short)
	if rb == nil {
		return
	}
	// Quay refuses here with "Robot is being used by a mirror" (400 P)
	// when a repository mirror uses the robot (mirror.go).
	for _, guard := range robotDeleteGuards {
		if msg := guard(s, rb.fullName()); msg != "" {
			r.invalidRequest(msg)
			return
		}
	}
	s.dropRobot(s.state.namespaces[ns], rb)
	r.logAction("delete_robot", ns, map[string]any{"robot": short})
	r.noContent()
}

// dropRobot deletes rb of ns with every row naming it, as Quay's recursive
// delete of the robot's account does: team memberships, repository
// permissions, default permissions naming it as delegate or activating
// user, builds pulling with it, and its registry tokens. The name is free
// at once.
func (s *Server) dropRobot(ns *namespace, rb *robot) {
	full := rb.fullName()
	delete(ns.robots, rb.short)
	for _, other := range s.state.namespaces {
		other.dropPrototypes(func(p *prototype) bool {
			return p.activating == full || p.delegateKind == "user" && p.delegateName == full
		})
		other.dropGrantsOf("", full)
		for _, t := range other.teams {
			t.members = without(t.members, full)
		}
	}
	for id, b := range s.state.builds {
		if b.pullRobot == full {
			delete(s.state.builds, id)
		}
	}
	for tok, g := range s.state.registry.tokens {
		if g.user == full {
			delete(s.state.registry.tokens, tok)
		}
	}
	for _, h := range robotDropHooks {
		h(s, full)
	}
}

// regenerateRobot gives the robot of namespace ns a new token; the old
// one stops working at once.
func (s *Server) regenerateRobot(r *request, ns string) {
	short := r.param("robot_shortname")
	rb := r.lookupRobot(ns, short)
	if rb == nil {
		return
	}
	rb.token = randomUpper(64)
	r.logAction("regenerate_robot_token", ns, map[string]any{"robot": short})
	r.ok(200, robotView(rb, true, false))
}

func federationView(rb *robot) []federatedIdentity {
	return append([]federatedIdentity{}, rb.federation...)
}

// setRobotFederation replaces the federation list of the robot of
// namespace ns with body's entries, checked in order before the robot is
// looked up. Only issuer and subject of an entry are kept.
func (s *Server) setRobotFederation(r *request, ns string, body *jsonValue) {
	entries := []federatedIdentity{}
	seen := map[federatedIdentity]bool{}
	for _, item := range body.vals {
		var e federatedIdentity
		if v := item.get("issuer"); v != nil {
			e.Issuer = v.str
		}
		if v := item.get("subject"); v != nil {
			e.Subject = v.str
		}
		switch {
		case e.Issuer == "" || e.Subject == "":
			r.invalidRequest("Missing one or more required fields (issuer, subject)")
			return
		case !strings.HasPrefix(e.Issuer, "http://") && !strings.HasPrefix(e.Issuer, "https://"):
			r.invalidRequest("Issuer must be a URL (http:// or https://)")
			return
		case seen[e]:
			r.invalidRequest("Duplicate federation config entry")
			return
		}
		seen[e] = true
		entries = append(entries, e)
	}
	short := r.param("robot_shortname")
	rb := r.lookupRobot(ns, short)
	if rb == nil {
		return
	}
	rb.federation = entries
	r.logAction("create_robot_federation", ns, map[string]any{"config": federationLog(entries), "robot": short})
	r.ok(200, federationView(rb))
}

// federationLog is a federation list as log metadata (plain JSON values).
func federationLog(entries []federatedIdentity) []any {
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = map[string]any{"issuer": e.Issuer, "subject": e.Subject}
	}
	return out
}

// clearRobotFederation empties the federation list of the robot of ns.
func (s *Server) clearRobotFederation(r *request, ns string) {
	short := r.param("robot_shortname")
	rb := r.lookupRobot(ns, short)
	if rb == nil {
		return
	}
	rb.federation = []federatedIdentity{}
	r.logAction("delete_robot_federation", ns, map[string]any{"robot": short})
	r.noContent()
}

// robotListLimit reads the lists' optional limit; flask-restful's parser
// answers a value that is not an integer.
func (r *request) robotListLimit() (limit int, ok bool) {
	raw := r.URL.Query().Get("limit")
	if !r.URL.Query().Has("limit") {
		return -1, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		writeJSON(r.w, 400, map[string]any{"message": map[string]any{
			"limit": "If specified, the number of robots to return. invalid literal for int() with base 10: '" + raw + "'",
		}})
		return 0, false
	}
	if n < 0 {
		// PostgreSQL refuses a negative LIMIT, and nothing catches that.
		r.internalError()
		return 0, false
	}
	return n, true
}

// robotList is the robots list (§12.1, §12.2) for prefix, with Quay's
// quirks: robots are matched with an unescaped case-insensitive LIKE
// '<prefix>+%', so "_" in prefix matches any character; they are ordered
// by last_accessed descending, never-used robots first as PostgreSQL sorts
// NULLs; and limit (-1: none) cuts the joined rows before they are
// grouped, one row per robot, or with permissions one per pair of a
// repository permission and a team membership.
func (s *Server) robotList(prefix string, withToken, withPermissions bool, limit int) map[string]any {
	var robots []*robot
	for _, ns := range s.state.namespaces {
		for _, rb := range ns.robots {
			if likePrefix(rb.fullName(), prefix+"+") {
				robots = append(robots, rb)
			}
		}
	}
	sort.Slice(robots, func(i, j int) bool {
		a, b := robots[i].lastAccessed, robots[j].lastAccessed
		switch {
		case (a == nil) != (b == nil):
			return a == nil
		case a != nil && !a.Equal(*b):
			return a.After(*b)
		}
		return robots[i].id < robots[j].id
	})
	type row struct {
		rb         *robot
		repo, team string
	}
	var rows []row
	for _, rb := range robots {
		if !withPermissions {
			rows = append(rows, row{rb: rb})
			continue
		}
		repos, teams := s.robotRepositories(rb.fullName()), s.robotTeams(rb.fullName())
		if len(repos) == 0 {
			repos = []string{""}
		}
		if len(teams) == 0 {
			teams = []string{""}
		}
		for _, repo := range repos {
			for _, t := range teams {
				rows = append(rows, row{rb, repo, t})
			}
		}
	}
	if limit >= 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	out := []any{}
	views := map[*robot]map[string]any{}
	teams, repos := map[*robot][]any{}, map[*robot][]any{}
	seenTeams, seenRepos := map[*robot]map[string]bool{}, map[*robot]map[string]bool{}
	for _, rw := range rows {
		v := views[rw.rb]
		if v == nil {
			v = robotView(rw.rb, withToken, false)
			if !s.cfg.Features.UserLastAccessed {
				v["last_accessed"] = nil
			}
			views[rw.rb] = v
			teams[rw.rb], repos[rw.rb] = []any{}, []any{}
			seenTeams[rw.rb], seenRepos[rw.rb] = map[string]bool{}, map[string]bool{}
			out = append(out, v)
		}
		if rw.team != "" && !seenTeams[rw.rb][rw.team] {
			seenTeams[rw.rb][rw.team] = true
			teams[rw.rb] = append(teams[rw.rb], map[string]any{"name": rw.team, "avatar": avatar(rw.team, "team")})
		}
		if rw.repo != "" && !seenRepos[rw.rb][rw.repo] {
			seenRepos[rw.rb][rw.repo] = true
			repos[rw.rb] = append(repos[rw.rb], rw.repo)
		}
	}
	if withPermissions {
		for rb, v := range views {
			v["teams"], v["repositories"] = teams[rb], repos[rb]
		}
	}
	return map[string]any{"robots": out}
}

// likePrefix is name ILIKE pattern+'%' for a pattern without "%": "_"
// matches any one character.
func likePrefix(name, pattern string) bool {
	if len(name) < len(pattern) {
		return false
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != '_' && !strings.EqualFold(name[i:i+1], pattern[i:i+1]) {
			return false
		}
	}
	return true
}

// robotGrant is one direct repository permission of a robot.
type robotGrant struct {
	repo *repository
	role string
}

// robotGrants lists the robot's direct repository permissions, in any
// namespace, ordered by namespace and repository.
func (s *Server) robotGrants(full string) []robotGrant {
	var out []robotGrant
	for _, ns := range s.state.namespaces {
		for name, g := range ns.repoGrants {
			if role := g.users[full]; role != "" {
				if repo := s.state.repo(ns.name, name); repo != nil {
					out = append(out, robotGrant{repo, role})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].repo.namespace != out[j].repo.namespace {
			return out[i].repo.namespace < out[j].repo.namespace
		}
		return out[i].repo.name < out[j].repo.name
	})
	return out
}

// robotPermissions is list_robot_permissions as the permissions endpoints
// show it: the repository's bare name, its visibility and the role.
func (s *Server) robotPermissions(full string) []any {
	out := []any{}
	for _, g := range s.robotGrants(full) {
		out = append(out, map[string]any{"repository": map[string]any{"name": g.repo.name, "is_public": g.repo.public}, "role": g.role})
	}
	return out
}

// robotRepositories names the repositories the robot has a direct
// permission on (bare names, as the list shows them).
func (s *Server) robotRepositories(full string) []string {
	var out []string
	for _, g := range s.robotGrants(full) {
		out = append(out, g.repo.name)
	}
	return out
}

// robotTeams names the teams, of any organization, the robot is in.
func (s *Server) robotTeams(full string) []string {
	var out []string
	for _, ns := range s.state.namespaces {
		for _, t := range ns.teams {
			if t.hasMember(full) {
				out = append(out, t.name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Registry logins (registry.go).

// robotLogin checks a robot's registry credentials as verify_robot does,
// stamping last_accessed on success; errMsg is Quay's reason otherwise.
func (s *Server) robotLogin(username, password string) (rb *robot, errMsg string) {
	if s.cfg.RobotsDisallow {
		return nil, "Robot account have been disabled. Please contact your administrator."
	}
	rb = s.state.robot(username)
	if rb == nil {
		return nil, robotNotFound
	}
	if owner := s.state.user(rb.namespace); owner != nil && !owner.enabled {
		return nil, "Robot " + username + " owner " + owner.name + " is disabled"
	}
	if password != rb.token {
		return nil, "Could not find robot with username: " + username + " and supplied password."
	}
	if s.cfg.Features.UserLastAccessed {
		now := time.Now().UTC()
		if rb.lastAccessed == nil || now.Sub(*rb.lastAccessed) >= lastAccessedThreshold {
			rb.lastAccessed = &now
		}
	}
	return rb, ""
}

// native converts a parsed JSON value to what encoding/json would decode
// it to, numbers kept as Python prints them, so that an echoed value reads
// as Quay's does.
func (v *jsonValue) native() any {
	switch v.kind {
	case "object":
		m := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			m[k] = v.vals[i].native()
		}
		return m
	case "array":
		a := make([]any, len(v.vals))
		for i, x := range v.vals {
			a[i] = x.native()
		}
		return a
	case "string":
		return v.str
	case "number":
		if n := pyNumber(v.str); json.Valid([]byte(n)) {
			return json.Number(n)
		}
		return json.Number(v.str)
	case "boolean":
		return v.b
	}
	return nil
}

// Test helpers.

// AddRobot creates the robot namespace+short directly, without the API's
// checks, and returns its token ("" when the namespace does not exist).
func (s *Server) AddRobot(namespace, short string) (token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.state.namespaces[namespace]
	if ns == nil {
		return ""
	}
	return s.addRobot(ns, short).token
}

// AllRobots lists every robot's full name, sorted, for test assertions.
func (s *Server) AllRobots() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, rb := range ns.robots {
			out = append(out, rb.fullName())
		}
	}
	sort.Strings(out)
	return out
}

// RobotToken is the current token of the robot with the full name
// "namespace+short", or "" when there is no such robot.
func (s *Server) RobotToken(fullName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rb := s.state.robot(fullName); rb != nil {
		return rb.token
	}
	return ""
}

// RobotFederation lists the robot's federation entries as (issuer,
// subject) pairs, in order; nil when there is no such robot.
func (s *Server) RobotFederation(fullName string) [][2]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rb := s.state.robot(fullName)
	if rb == nil {
		return nil
	}
	out := [][2]string{}
	for _, e := range rb.federation {
		out = append(out, [2]string{e.Issuer, e.Subject})
	}
	return out
}

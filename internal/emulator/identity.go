package emulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// GET /api/v1/user/ — who am I (§3.3).
func (s *Server) getSelf(r *request) {
	c := r.caller
	if c.user == nil || !(c.scopes["user:read"] || c.scopes["user:admin"]) {
		// The handler raises this itself, with a payload the permission
		// decorators' 401 lacks (endpoints/api/user.py, User.get).
		r.problemWith(401, "invalid_token", "Requires authentication", map[string]any{"session_required": false})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := c.user
	var orgs []map[string]any
	names := make([]string, 0)
	for name, ns := range s.state.namespaces {
		if ns.isOrg {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		ns := s.state.namespaces[name]
		member := false
		for _, t := range ns.teams {
			if t.hasMember(u.name) {
				member = true
			}
		}
		if !member {
			continue
		}
		entry := map[string]any{"name": ns.name, "avatar": avatar(ns.name, "org"), "can_create_repo": s.canCreateRepo(c, ns), "public": false}
		if c.scopes["user:admin"] { // user_view's org_view adds these only for user admins
			entry["is_org_admin"] = s.isOrgAdmin(c, ns)
			entry["preferred_namespace"] = false
		}
		orgs = append(orgs, entry)
	}
	if orgs == nil {
		orgs = []map[string]any{}
	}
	view := map[string]any{
		"anonymous":     false,
		"username":      u.name,
		"avatar":        avatar(u.name, "user"),
		"organizations": orgs,
	}
	if c.superuser {
		view["super_user"] = true
	}
	if c.scopes["user:admin"] {
		view["can_create_repo"] = true
		view["is_me"] = true
		view["verified"] = u.verified
		view["email"] = u.email
		view["logins"] = []any{}
		view["invoice_email"] = false
		view["invoice_email_address"] = nil
		view["preferred_namespace"] = false
		view["tag_expiration_s"] = s.cfg.DefaultTagExpiration
		view["prompts"] = []any{}
		view["company"] = ""
		view["family_name"] = nil
		view["given_name"] = nil
		view["location"] = nil
		view["is_free_account"] = true
		view["has_password_set"] = u.password != ""
		if s.quotaEnabled() {
			view["quotas"] = s.namespaceQuotaViews(u)
			view["quota_report"] = s.quotaReport(u)
		}
	}
	r.ok(200, view)
}

// anyJSON is the schema of a body Quay reads without validating it.
var anyJSON = mustSchema(`{}`)

// canCreateRepo is CreateRepositoryPermission (auth/permissions.py): a
// full-access superuser, or a member of an admin or creator team of org
// whose token's scopes keep that role (SCOPE_MAX_TEAM_ROLES: org:admin up
// to admin, repo:create up to creator, others none).
func (s *Server) canCreateRepo(c caller, org *namespace) bool {
	if c.fullAccess {
		return true
	}
	if c.user == nil || !(c.scopes["org:admin"] || c.scopes["repo:create"]) {
		return false
	}
	for _, t := range org.teams {
		if (t.role == "admin" || t.role == "creator") && t.hasMember(c.user.name) {
			return true
		}
	}
	return false
}

// POST /api/v1/user/initialize — first user of an empty install (§3.4).
func (s *Server) initializeUser(r *request) {
	if !s.cfg.Features.UserInitialize {
		writeJSON(r.w, 404, map[string]string{"error": "Not Found"})
		return
	}
	// endpoints/web.py, user_initialize: the database check comes before
	// the body is read, and the body has no schema: a missing key or a
	// body that is not an object fails where the handler indexes it.
	// Organizations are rows of the same table, so they count.
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.state.namespaces) > 0 {
		r.modelError("Cannot initialize user in a non-empty database")
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(anyJSON, &body) {
		return
	}
	_, hasUsername := body["username"]
	_, hasPassword := body["password"]
	if !hasUsername || !hasPassword {
		r.internalError()
		return
	}
	username, _, _ := getString(body, "username")
	password, _, _ := getString(body, "password")
	email, emailPresent, _ := getString(body, "email")
	wantToken, _, _ := getBool(body, "access_token")
	if reason := validateNamespace(username); reason != "" {
		r.modelError("Failed to initialize user: Invalid namespace " + username + ": " + reason)
		return
	}
	if len(password) < 8 || strings.ContainsAny(password, " \t\r\n") {
		r.modelError("Failed to initialize user: Invalid password, password must be at least 8 characters and contain no whitespace.")
		return
	}
	if s.cfg.Features.Mailing && email == "" {
		r.modelError("Failed to initialize user: Email address is required")
		return
	}
	s.state.namespaces[username] = &namespace{
		name: username, email: email, password: password, enabled: true, verified: true,
		created: time.Now(),
	}
	var emailOut any // user_data.get("email")
	if emailPresent {
		emailOut = email
	}
	view := map[string]any{"username": username, "email": emailOut, "encrypted_password": randomUpper(64)}
	if wantToken {
		t := &token{user: username, scopes: map[string]bool{}}
		for _, sc := range AllScopes {
			t.scopes[sc] = true
		}
		value := randomUpper(40)
		s.state.tokens[value] = t
		view["access_token"] = value
	}
	r.ok(200, view)
}

// GET /config — unauthenticated client configuration (§3.2).
func (s *Server) getConfig(r *request) {
	f := s.cfg.Features
	features := map[string]any{
		"SUPER_USERS":            f.SuperUsers,
		"SUPERUSERS_FULL_ACCESS": f.SuperusersFullAccess,
		"QUOTA_MANAGEMENT":       f.QuotaManagement,
		"EDIT_QUOTA":             f.EditQuota,
		"PROXY_CACHE":            f.ProxyCache,
		"MAILING":                f.Mailing,
		"REQUIRE_TEAM_INVITE":    f.RequireTeamInvite,
		"USER_INITIALIZE":        f.UserInitialize,
		"CHANGE_TAG_EXPIRATION":  f.ChangeTagExpiration,
		"ANONYMOUS_ACCESS":       f.AnonymousAccess,
		"REPO_MIRROR":            f.RepoMirror,
		"BUILD_SUPPORT":          f.BuildSupport,
		"USER_LAST_ACCESSED":     f.UserLastAccessed,
		"TEAM_SYNCING":           f.TeamSyncing,

		"NONSUPERUSER_TEAM_SYNCING_SETUP": f.NonSuperuserTeamSyncingSetup,
	}
	// Flags newer than the emulated version are absent from its default
	// config, so /config lists them only when an install sets them.
	for _, flag := range []struct {
		name         string
		on           bool
		major, minor int
	}{
		{"AUTO_PRUNE", f.AutoPrune, 3, 10},
		{"IMMUTABLE_TAGS", f.ImmutableTags, 3, 17},
		{"IMMUTABLE_TAGS_CAN_EXPIRE", f.ImmutableTagsCanExpire, 3, 17},
		{"QUOTA_NOTIFICATIONS", f.QuotaNotifications, 3, 18},
		{"SPARSE_INDEX", f.SparseIndex, 3, 17},
		{"ORG_MIRROR", f.OrgMirror, 3, 17},
	} {
		if flag.on || versionAtLeast(s.cfg.Version, flag.major, flag.minor) {
			features[flag.name] = flag.on
		}
	}
	opts := make([]string, 0, len(s.cfg.TagExpirationOptions))
	for _, o := range s.cfg.TagExpirationOptions {
		opts = append(opts, durationString(o))
	}
	config := map[string]any{
		"TAG_EXPIRATION_OPTIONS":   opts,
		"AUTHENTICATION_TYPE":      s.cfg.AuthenticationType,
		"SERVER_HOSTNAME":          r.Host,
		"FEATURE_QUOTA_MANAGEMENT": f.QuotaManagement,
		"FEATURE_PROXY_CACHE":      f.ProxyCache,
		"FEATURE_AUTO_PRUNE":       f.AutoPrune,
		"FEATURE_REPO_MIRROR":      f.RepoMirror,
	}
	if versionAtLeast(s.cfg.Version, 3, 17) {
		config["FEATURE_ORG_MIRROR"] = f.OrgMirror
	}
	// ROBOTS_DISALLOW is on the client whitelist, but Quay reads it with a
	// False fallback, its default config lacking it: only an install that
	// sets it shows it.
	if s.cfg.RobotsDisallow {
		config["ROBOTS_DISALLOW"] = true
	}
	r.ok(200, map[string]any{
		"config":                config,
		"features":              features,
		"oauth":                 map[string]any{},
		"external_login":        []any{},
		"registry_state":        "normal",
		"account_recovery_mode": false,
		"version_number":        "Quay " + s.cfg.Version,
	})
}

// durationString renders seconds the way TAG_EXPIRATION_OPTIONS spells them.
func durationString(sec int64) string {
	switch {
	case sec == 0:
		return "0s"
	case sec%604800 == 0:
		return fmt.Sprintf("%dw", sec/604800)
	case sec%86400 == 0:
		return fmt.Sprintf("%dd", sec/86400)
	case sec%3600 == 0:
		return fmt.Sprintf("%dh", sec/3600)
	case sec%60 == 0:
		return fmt.Sprintf("%dm", sec/60)
	default:
		return fmt.Sprintf("%ds", sec)
	}
}

// GET /api/v1/discovery — the registered paths, reflecting feature flags (§3.1).
func (s *Server) getDiscovery(r *request) {
	paths := map[string]map[string]any{}
	for method, routes := range s.routes.byMethod {
		for _, rt := range routes {
			if !strings.HasPrefix(rt.pattern, "/api/v1/") {
				continue
			}
			if paths[rt.pattern] == nil {
				paths[rt.pattern] = map[string]any{}
			}
			paths[rt.pattern][strings.ToLower(method)] = map[string]any{"responses": map[string]any{}}
		}
	}
	scopes := map[string]string{}
	for _, sc := range AllScopes {
		if sc == "super:user" && !s.cfg.Features.SuperUsers {
			continue
		}
		scopes[sc] = sc
	}
	r.ok(200, map[string]any{
		"swagger":  "2.0",
		"host":     r.Host,
		"basePath": "/",
		"schemes":  []string{"http"},
		"info":     map[string]any{"title": "Quay API", "version": "v1"},
		"securityDefinitions": map[string]any{
			"oauth2_implicit": map[string]any{"type": "oauth2", "flow": "implicit", "scopes": scopes},
		},
		"paths":       paths,
		"definitions": map[string]any{},
		"tags":        []any{},
	})
}

// GET /api/v1/users/{username} — public user info (§8.6).
func (s *Server) getPublicUser(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.state.user(r.param("username"))
	if u == nil {
		writeJSON(r.w, 404, map[string]string{"message": "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."})
		return
	}
	r.ok(200, map[string]any{"anonymous": false, "username": u.name, "avatar": avatar(u.name, "user"), "super_user": false})
}

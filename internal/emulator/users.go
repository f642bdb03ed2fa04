package emulator

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Superuser user management (quay-api.md §8).

// requireSuperuser answers 401/403 unless the caller is a superuser.
func (r *request) requireSuperuser() bool {
	if r.caller.superuser {
		return true
	}
	r.forbidden()
	return false
}

// userView is the superuser view of a user.
func (s *Server) userView(u *namespace) map[string]any {
	v := map[string]any{
		"kind":                       "user",
		"name":                       u.name,
		"username":                   u.name,
		"email":                      u.email,
		"verified":                   u.verified,
		"avatar":                     avatar(u.name, "user"),
		"super_user":                 u.superuser,
		"global_readonly_super_user": false,
		"enabled":                    u.enabled,
	}
	if s.quotaEnabled() {
		v["quotas"] = s.namespaceQuotaViews(u)
		v["quota_report"] = s.quotaReport(u)
	}
	return v
}

func validPassword(p string) bool {
	return len(p) >= 8 && !strings.ContainsAny(p, " \t\r\n\v\f")
}

// Body schemas of the superuser user endpoints (endpoints/api/superuser.py,
// SuperUserList CreateInstallUser and SuperUserManagement UpdateUser).
// CreateInstallUser does not say "type": "object", so a list or a string
// passes it.
var (
	createUserSchema = mustSchema(`{"id": "CreateInstallUser", "description": "Data for creating a user", "required": ["username"], "properties": {
		"username": {"type": "string", "description": "The username of the user being created"},
		"email": {"type": "string", "description": "The email address of the user being created"}}}`)
	updateUserSchema = mustSchema(`{"id": "UpdateUser", "type": "object", "description": "Description of updates for a user", "properties": {
		"password": {"type": "string", "description": "The new password for the user"},
		"email": {"type": "string", "description": "The new e-mail address for the user"},
		"enabled": {"type": "boolean", "description": "Whether the user is enabled"}}}`)
)

// POST /api/v1/superuser/users/ (§8.1).
func (s *Server) createUser(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(createUserSchema, &body) {
		return
	}
	if !r.requireSuperuser() {
		return
	}
	if body == nil { // SuperUserList.post indexes a body that is not a dict
		r.internalError()
		return
	}
	username, _, _ := getString(body, "username")
	email, emailPresent, _ := getString(body, "email")
	s.mu.Lock()
	defer s.mu.Unlock()
	if reason := validateNamespace(username); reason != "" {
		r.modelError("Invalid namespace " + username + ": " + reason)
		return
	}
	if existing := s.state.namespaces[username]; existing != nil {
		if existing.isOrg {
			r.modelError("Username has already been taken by an organization and cannot be reused: " + username)
		} else {
			r.modelError("Username has already been taken by user cannot be reused: " + username)
		}
		return
	}
	if s.nameReserved(username) {
		r.modelError("Username is not available")
		return
	}
	if s.cfg.Features.Mailing {
		if !emailPresent || !validEmail(email) {
			r.modelError("Invalid email address: " + email)
			return
		}
	}
	if email != "" {
		for _, ns := range s.state.namespaces {
			if !ns.isOrg && ns.email == email {
				r.modelError("Email has already been used: " + email)
				return
			}
		}
	}
	password := randomUpper(32)
	stored := email
	if stored == "" {
		stored = randomUUID() // as Quay does for e-mail-less users without mailing
	}
	s.state.namespaces[username] = &namespace{
		name: username, email: stored, password: password, enabled: true,
		verified: !s.cfg.Features.Mailing, created: time.Now(),
	}
	var emailOut any
	if email != "" {
		emailOut = email
	}
	r.logAction("user_create", username, map[string]any{"email": emailOut, "username": username, "superuser": r.caller.name()})
	r.ok(200, map[string]any{"username": username, "email": emailOut, "password": password, "encrypted_password": randomUpper(64)})
}

// GET /api/v1/superuser/users/ (§8.2). Without limit, every user in one
// answer; with limit (at most 100), pages in creation order with an opaque
// next_page token, as the organization list pages.
func (s *Server) listUsers(r *request) {
	if !r.requireSuperuser() {
		return
	}
	limit, paged, ok := r.pageLimit()
	if !ok {
		return
	}
	includeDisabled := r.queryBool("disabled", true)
	s.mu.Lock()
	defer s.mu.Unlock()
	var users []*namespace
	for _, ns := range s.state.namespaces {
		if !ns.isOrg && (includeDisabled || ns.enabled) {
			users = append(users, ns)
		}
	}
	if !paged {
		sort.Slice(users, func(i, j int) bool { return users[i].name < users[j].name })
	} else {
		sort.Slice(users, func(i, j int) bool { return createdBefore(users[i], users[j]) })
	}
	start, end, next := 0, len(users), ""
	if paged {
		if after, ok := decodeOrgPageToken(r.URL.Query().Get("next_page")); ok {
			start = sort.Search(len(users), func(i int) bool { return !createdBefore(users[i], after) })
		}
		if start+limit < len(users) {
			end = start + limit
			next = encodeOrgPageToken(users[end])
		}
	}
	views := make([]any, 0, end-start)
	for _, u := range users[start:end] {
		views = append(views, s.userView(u))
	}
	body := map[string]any{"users": views}
	if next != "" {
		body["next_page"] = next
	}
	r.ok(200, body)
}

// GET /api/v1/superuser/users/{username} (§8.3).
func (s *Server) getUser(r *request) {
	if !r.requireSuperuser() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.state.user(r.param("username"))
	if u == nil {
		r.notFound()
		return
	}
	r.ok(200, s.userView(u))
}

// PUT /api/v1/superuser/users/{username} (§8.4). The answer is built from
// the user as it was before the change, except the e-mail.
func (s *Server) updateUser(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(updateUserSchema, &body) {
		return
	}
	password, passwordPresent, _ := getString(body, "password")
	email, emailPresent, _ := getString(body, "email")
	enabled, enabledPresent, _ := getBool(body, "enabled")
	if !r.requireSuperuser() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.state.user(r.param("username"))
	if u == nil {
		r.notFound()
		return
	}
	if u.superuser {
		r.invalidRequest("Cannot update a superuser")
		return
	}
	before := s.userView(u)
	if passwordPresent {
		// Quay logs the change before it checks the password.
		r.logAction("user_change_password", u.name, map[string]any{"username": u.name, "superuser": r.caller.name()})
		if !validPassword(password) {
			r.modelError("Invalid password, password must be at least 8 characters and contain no whitespace.")
			return
		}
		u.password = password
		before["encrypted_password"] = randomUpper(64)
	}
	if emailPresent {
		for _, ns := range s.state.namespaces {
			if ns != u && !ns.isOrg && ns.email == email {
				r.modelError("E-mail address already used")
				return
			}
		}
		r.logAction("user_change_email", u.name, map[string]any{"old_email": u.email, "email": email, "superuser": r.caller.name()})
		u.email = email
		u.verified = true
		before["email"] = email
	}
	if enabledPresent {
		u.enabled = enabled
		kind := "user_disable"
		if enabled {
			kind = "user_enable"
		}
		r.logAction(kind, u.name, map[string]any{"username": u.name, "superuser": r.caller.name()})
	}
	r.ok(200, before)
}

// DELETE /api/v1/superuser/users/{username} (§8.5). A disabled user is
// silently kept.
func (s *Server) deleteUser(r *request) {
	if !r.requireSuperuser() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.state.user(r.param("username"))
	if u == nil {
		r.notFound()
		return
	}
	if u.superuser {
		r.invalidRequest("Cannot delete a superuser")
		return
	}
	r.logAction("user_delete", u.name, map[string]any{"username": u.name})
	if u.enabled {
		s.deleteNamespace(u)
	}
	r.noContent()
}

// Users returns the names of all users, for test assertions.
func (s *Server) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name, ns := range s.state.namespaces {
		if !ns.isOrg {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

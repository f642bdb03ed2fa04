package emulator

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"
)

// Body schemas of the organization endpoints, as endpoints/api/organization.py
// declares them (OrganizationList NewOrg, Organization UpdateOrg).
var (
	newOrgSchema = mustSchema(`{"type": "object", "description": "Description of a new organization.", "required": ["name"], "properties": {
		"name": {"type": "string", "description": "Organization username"},
		"email": {"type": "string", "description": "Organization contact email"},
		"contact_email": {"type": "string", "description": "Optional contact email for organization recovery and notifications"},
		"recaptcha_response": {"type": "string", "description": "The (may be disabled) recaptcha response code for verification"}}}`)
	updateOrgSchema = mustSchema(`{"type": "object", "description": "Description of updates for an existing organization", "properties": {
		"email": {"type": "string", "description": "Organization contact email"},
		"contact_email": {"type": ["string", "null"], "description": "Organization contact email"},
		"invoice_email": {"type": "boolean", "description": "Whether the organization desires to receive emails for invoices"},
		"invoice_email_address": {"type": ["string", "null"], "description": "The email address at which to receive invoices"},
		"tag_expiration_s": {"type": "integer", "minimum": 0, "description": "The number of seconds for tag expiration"}}}`)
)

// POST /api/v1/organization/ (§4.1).
func (s *Server) createOrganization(r *request) {
	c := r.caller
	if c.user == nil {
		r.unauthorized()
		return
	}
	if !c.scopes["user:admin"] {
		r.forbidden()
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(newOrgSchema, &body) {
		return
	}
	name, _, _ := getString(body, "name")
	email, _, _ := getString(body, "email")
	if contact, present, ok := getString(body, "contact_email"); present && ok && contact != "" {
		email = contact
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.namespaces[name] != nil {
		r.invalidRequest("A user or organization with this name already exists")
		return
	}
	if email != "" {
		if !validEmail(email) {
			r.invalidRequest("Invalid email address")
			return
		}
		for _, ns := range s.state.namespaces {
			if !ns.isOrg && ns.email == email {
				r.invalidRequest("Email has already been used: " + email)
				return
			}
		}
	}
	if reason := validateNamespace(name); reason != "" {
		r.invalidRequest("Invalid namespace " + name + ": " + reason)
		return
	}
	if s.nameReserved(name) {
		r.invalidRequest("Username is not available")
		return
	}
	if email == "" {
		email = randomUUID()
	}
	s.state.namespaces[name] = &namespace{
		name:           name,
		isOrg:          true,
		email:          email,
		created:        time.Now(),
		tagExpirationS: s.cfg.DefaultTagExpiration,
		teams:          []*team{{name: "owners", role: "admin", members: []string{c.user.name}}},
	}
	var loggedEmail any // Quay logs the e-mail it was given (None when none)
	if e, _, _ := getString(body, "email"); e != "" {
		loggedEmail = e
	}
	r.logAction("org_create", name, map[string]any{"email": loggedEmail, "namespace": name})
	r.ok(http.StatusCreated, "Created")
}

// GET /api/v1/organization/{orgname} (§4.2). Anyone may read; the view
// shrinks with the caller's rights.
func (s *Server) getOrganization(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.state.org(r.param("orgname"))
	if org == nil {
		r.notFound()
		return
	}
	r.ok(200, s.orgView(r.caller, org))
}

// orgView is the organization as the caller may see it.
func (s *Server) orgView(c caller, org *namespace) map[string]any {
	admin := s.isOrgAdmin(c, org)
	member := s.isOrgMember(c, org)
	email := ""
	if admin && validEmail(org.email) {
		email = org.email
	}
	view := map[string]any{
		"name":      org.name,
		"email":     email,
		"avatar":    avatar(org.name, "user"),
		"is_admin":  admin,
		"is_member": member,
	}
	if member {
		teams := map[string]any{}
		ordered := []string{}
		for _, t := range org.teams {
			teams[t.name] = s.teamView(c, org, t)
			ordered = append(ordered, t.name)
		}
		view["teams"] = teams
		view["ordered_teams"] = ordered
	}
	if admin {
		view["invoice_email"] = org.invoiceEmail
		view["invoice_email_address"] = org.invoiceEmailAddress
		view["tag_expiration_s"] = org.tagExpirationS
		view["is_free_account"] = true
	}
	if member && s.quotaEnabled() {
		view["quotas"] = s.namespaceQuotaViews(org)
		view["quota_report"] = s.quotaReport(org)
	}
	return view
}

// teamView is a team as it appears in the organization view's "teams".
func (s *Server) teamView(c caller, org *namespace, t *team) map[string]any {
	return map[string]any{
		"name":         t.name,
		"description":  t.description,
		"role":         t.role,
		"avatar":       avatar(t.name, "team"),
		"can_view":     s.isOrgAdmin(c, org) || t.hasMember(c.name()),
		"repo_count":   0,
		"member_count": len(t.members),
		"is_synced":    t.sync != nil,
	}
}

// orgForWrite loads the org for an OrgAdmin-only call, answering the way
// Quay does when it is missing or the caller lacks rights: the permission
// check runs first, so only a full-access superuser learns of a 404.
func (s *Server) orgForWrite(r *request) *namespace {
	org := s.state.org(r.param("orgname"))
	if !s.isOrgAdmin(r.caller, org) {
		if org == nil && r.caller.fullAccess {
			r.notFound()
		} else {
			r.forbidden()
		}
		return nil
	}
	if org == nil {
		r.notFound()
		return nil
	}
	return org
}

// PUT /api/v1/organization/{orgname} (§4.3). Fields are applied one by one
// in Quay's order, so a failure leaves the earlier ones saved.
func (s *Server) updateOrganization(r *request) {
	// The schema is checked before the permission (validate_json_request
	// sits inside the method), and before anything is applied.
	var body map[string]json.RawMessage
	if !r.decodeValidBody(updateOrgSchema, &body) {
		return
	}
	invoiceAddr, invoiceNull, invoicePresent, _ := getNullableString(body, "invoice_email_address")
	tagExp, tagPresent, _ := getInt(body, "tag_expiration_s")

	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil {
		return
	}
	if v, present, _ := getBool(body, "invoice_email"); present {
		org.invoiceEmail = v
		r.logAction("org_change_invoicing", org.name, map[string]any{"invoice_email": v, "namespace": org.name})
	}
	if invoicePresent && !sameInvoiceAddress(org.invoiceEmailAddress, invoiceAddr, invoiceNull) {
		var logged any
		if !invoiceNull {
			logged = invoiceAddr
		}
		r.logAction("org_change_invoicing", org.name, map[string]any{"invoice_email_address": logged, "namespace": org.name})
	}
	if invoicePresent {
		if invoiceNull || invoiceAddr == "" {
			org.invoiceEmailAddress = nil
		} else {
			a := invoiceAddr
			org.invoiceEmailAddress = &a
		}
	}
	email, emailPresent, _ := getString(body, "email")
	if contact, null, present, _ := getNullableString(body, "contact_email"); present {
		emailPresent = true
		email = contact
		if null {
			email = ""
		}
	}
	if emailPresent {
		current := org.email // a generated UUID counts as no address
		if !validEmail(current) {
			current = ""
		}
		if email != current && (email == "" || validEmail(email)) {
			r.logAction("org_change_email", org.name, map[string]any{"email": email, "namespace": org.name, "old_email": current})
		}
	}
	if emailPresent {
		if email == "" {
			org.email = randomUUID()
		} else if !validEmail(email) {
			r.invalidRequest("Invalid email address")
			return
		} else {
			org.email = email
		}
	}
	if tagPresent && s.cfg.Features.ChangeTagExpiration {
		allowed := false
		for _, o := range s.cfg.TagExpirationOptions {
			if o == tagExp {
				allowed = true
			}
		}
		if !allowed {
			r.modelError("Invalid tag expiration option")
			return
		}
		org.tagExpirationS = tagExp
		r.logAction("org_change_tag_expiration", org.name, map[string]any{"tag_expiration": tagExp, "namespace": org.name})
	}
	r.ok(200, s.orgView(r.caller, org))
}

// DELETE /api/v1/organization/{orgname} (§4.4). Quay renames the org and
// purges it later; to clients it is gone at once, but its name stays
// reserved until the purge (namespacegc.go).
func (s *Server) deleteOrganization(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil {
		return
	}
	r.logAction("org_delete", org.name, map[string]any{"namespace": org.name}) // before the deletion, as Quay
	s.deleteNamespace(org)
	r.noContent()
}

// namespaceDeleteHooks run when a user or organization is deleted, before
// it leaves the state, so that what it owns goes with it. Each runs with
// s.mu held.
var namespaceDeleteHooks []func(s *Server, ns *namespace)

// deleteNamespace removes a user or organization and what hangs off it,
// and keeps its name reserved until the simulated namespace GC runs.
func (s *Server) deleteNamespace(ns *namespace) {
	for _, repo := range ns.repos {
		s.dropRepo(repo)
	}
	for _, h := range namespaceDeleteHooks {
		h(s, ns)
	}
	delete(s.state.namespaces, ns.name)
	s.reserveName(ns.name)
	if !ns.isOrg {
		for _, other := range s.state.namespaces {
			other.dropPrototypes(func(p *prototype) bool {
				return p.activating == ns.name || p.delegateKind == "user" && p.delegateName == ns.name
			})
			other.dropGrantsOf("", ns.name)
			for _, t := range other.teams {
				t.members = without(t.members, ns.name)
				kept := t.invites[:0]
				for _, inv := range t.invites {
					if inv.user != ns.name {
						kept = append(kept, inv)
					}
				}
				t.invites = kept
			}
		}
	}
}

func without(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// Organizations returns the names of all organizations, for test assertions.
func (s *Server) Organizations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name, ns := range s.state.namespaces {
		if ns.isOrg {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// sameInvoiceAddress says whether an invoice address sent in a PUT equals
// the stored one (Quay logs a change only then).
func sameInvoiceAddress(stored *string, sent string, null bool) bool {
	if stored == nil {
		return null
	}
	return !null && *stored == sent
}

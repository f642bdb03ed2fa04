package emulator

import (
	"encoding/json"
)

// OAuth applications (quay-api.md §6).

type application struct {
	name           string
	description    string
	applicationURI string
	redirectURI    string
	avatarEmail    *string
	clientID       string
	clientSecret   string
}

const reservedAppName = "__quay_bootstrap_app"

func appView(a *application) map[string]any {
	return map[string]any{
		"name":            a.name,
		"description":     a.description,
		"application_uri": a.applicationURI,
		"client_id":       a.clientID,
		"client_secret":   a.clientSecret,
		"redirect_uri":    a.redirectURI,
		"avatar_email":    a.avatarEmail,
	}
}

func (ns *namespace) app(clientID string) *application {
	for _, a := range ns.apps {
		if a.clientID == clientID {
			return a
		}
	}
	return nil
}

// appProperties are the keys of Quay's NewApp and UpdateApp schemas
// (endpoints/api/organization.py); avatar_email is a string, never null.
const appProperties = `"properties": {
	"name": {"type": "string", "description": "The name of the application"},
	"redirect_uri": {"type": "string", "description": "The URI for the application's OAuth redirect"},
	"application_uri": {"type": "string", "description": "The URI for the application's homepage"},
	"description": {"type": "string", "description": "The human-readable description for the application"},
	"avatar_email": {"type": "string", "description": "The e-mail address of the avatar to use for the application"}}`

var (
	newAppSchema    = mustSchema(`{"type": "object", "description": "Description of a new organization application.", "required": ["name"], ` + appProperties + `}`)
	updateAppSchema = mustSchema(`{"type": "object", "description": "Description of an updated application.", "required": ["name", "redirect_uri", "application_uri"], ` + appProperties + `}`)
)

// appBody reads an application body checked against sch.
func (r *request) appBody(sch *schema) (*application, bool) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(sch, &body) {
		return nil, false
	}
	a := &application{}
	a.name, _, _ = getString(body, "name")
	a.redirectURI, _, _ = getString(body, "redirect_uri")
	a.applicationURI, _, _ = getString(body, "application_uri")
	a.description, _, _ = getString(body, "description")
	if email, present, _ := getString(body, "avatar_email"); present {
		a.avatarEmail = &email
	}
	return a, true
}

// reservedName refuses the bootstrap application's name; Quay checks it
// after the permission and the lookups (_ensure_oauth_app_name_is_not_reserved).
func (r *request) reservedName(a *application) bool {
	if a.name == reservedAppName {
		r.invalidRequest("Application name is reserved for bootstrap token provisioning")
		return true
	}
	return false
}

// GET /api/v1/organization/{orgname}/applications (§6.1).
func (s *Server) listApplications(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil {
		return
	}
	apps := []any{}
	for _, a := range org.apps {
		apps = append(apps, appView(a))
	}
	r.ok(200, map[string]any{"applications": apps})
}

// POST /api/v1/organization/{orgname}/applications (§6.2): 200, duplicates allowed.
func (s *Server) createApplication(r *request) {
	a, ok := r.appBody(newAppSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil || r.reservedName(a) {
		return
	}
	a.clientID = randomUpper(20)
	a.clientSecret = randomUpper(40)
	org.apps = append(org.apps, a)
	r.logAction("create_application", org.name, appLogMetadata(a))
	r.ok(200, appView(a))
}

// appForCall finds the application of a per-app call, 403 before 404.
func (s *Server) appForCall(r *request) (*namespace, *application) {
	org := s.orgForWrite(r)
	if org == nil {
		return nil, nil
	}
	a := org.app(r.param("client_id"))
	if a == nil {
		r.notFound()
		return nil, nil
	}
	return org, a
}

// GET /api/v1/organization/{orgname}/applications/{client_id} (§6.3).
func (s *Server) getApplication(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, a := s.appForCall(r); a != nil {
		r.ok(200, appView(a))
	}
}

// PUT /api/v1/organization/{orgname}/applications/{client_id} (§6.4):
// full replacement.
func (s *Server) updateApplication(r *request) {
	next, ok := r.appBody(updateAppSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, a := s.appForCall(r)
	if a == nil || r.reservedName(next) {
		return
	}
	a.name, a.redirectURI, a.applicationURI = next.name, next.redirectURI, next.applicationURI
	a.description, a.avatarEmail = next.description, next.avatarEmail
	r.logAction("update_application", org.name, appLogMetadata(a))
	r.ok(200, appView(a))
}

// DELETE /api/v1/organization/{orgname}/applications/{client_id} (§6.5).
func (s *Server) deleteApplication(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, a := s.appForCall(r)
	if a == nil {
		return
	}
	for i, x := range org.apps {
		if x == a {
			org.apps = append(org.apps[:i], org.apps[i+1:]...)
			break
		}
	}
	r.logAction("delete_application", org.name, map[string]any{"application_name": a.name, "client_id": a.clientID})
	r.noContent()
}

// POST /api/v1/organization/{orgname}/applications/{client_id}/resetclientsecret (§6.6).
func (s *Server) resetClientSecret(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, a := s.appForCall(r)
	if a == nil {
		return
	}
	a.clientSecret = randomUpper(40)
	r.logAction("reset_application_client_secret", org.name, map[string]any{"application_name": a.name, "client_id": a.clientID})
	r.ok(200, appView(a))
}

// GET /api/v1/app/{client_id} (§6.7): an application's public face, for
// anyone. The organization is shown as the caller may see it, with its team
// lists empty (endpoints/api/organization.py, ApplicationInformation).
func (s *Server) getApplicationInformation(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ns := range s.state.namespaces {
		if !ns.isOrg {
			continue
		}
		if a := ns.app(r.param("client_id")); a != nil {
			org := s.orgView(r.caller, ns)
			org["teams"] = map[string]any{}
			org["ordered_teams"] = []string{}
			r.ok(200, map[string]any{
				"name": a.name, "description": a.description, "uri": a.applicationURI,
				"avatar": avatar(a.name, "app"), "organization": org,
			})
			return
		}
	}
	r.notFound()
}

// Applications lists every application as "org/client_id/name", for test assertions.
func (s *Server) Applications() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, a := range ns.apps {
			out = append(out, ns.name+"/"+a.clientID+"/"+a.name)
		}
	}
	return out
}

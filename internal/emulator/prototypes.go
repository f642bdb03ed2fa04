package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Default permissions, which Quay calls permission prototypes (quay-api.md
// §15; endpoints/api/prototype.py, data/model/permission.py).

// prototype is one default permission of an organization: when
// activating (or anybody, when "") creates a repository in the org, the
// delegate gets role on it.
type prototype struct {
	id           string // Quay's uuid
	role         string
	activating   string // user or robot name; "" applies to every creator
	delegateKind string // "user" (users and robots) or "team"
	delegateName string
}

// newPrototypeSchema is Quay's NewPrototype body schema.
var newPrototypeSchema = mustSchema(`{"type": "object", "description": "Description of a new prototype",
	"required": ["role", "delegate"],
	"properties": {
		"role": {"type": "string", "description": "Role that should be applied to the delegate", "enum": ["read", "write", "admin"]},
		"activating_user": {"type": "object", "description": "Repository creating user to whom the rule should apply",
			"required": ["name"],
			"properties": {"name": {"type": "string", "description": "The username for the activating_user"}}},
		"delegate": {"type": "object", "description": "Information about the user or team to which the rule grants access",
			"required": ["name", "kind"],
			"properties": {
				"name": {"type": "string", "description": "The name for the delegate team or user"},
				"kind": {"type": "string", "description": "Whether the delegate is a user or a team", "enum": ["user", "team"]}}}}}`)

// updatePrototypeSchema is Quay's PrototypeUpdate body schema.
var updatePrototypeSchema = mustSchema(`{"type": "object", "description": "Description of a the new prototype role",
	"required": ["role"],
	"properties": {"role": {"type": "string", "description": "Role that should be applied to the permission", "enum": ["read", "write", "admin"]}}}`)

func (s *Server) registerPrototypeRoutes(rt *router) {
	rt.handle("GET", "/api/v1/organization/{orgname}/prototypes", s.listPrototypes)
	rt.handle("POST", "/api/v1/organization/{orgname}/prototypes", s.createPrototype)
	rt.handle("PUT", "/api/v1/organization/{orgname}/prototypes/{prototypeid}", s.updatePrototype)
	rt.handle("DELETE", "/api/v1/organization/{orgname}/prototypes/{prototypeid}", s.deletePrototype)
}

// prototypeUserView is a user or robot as a prototype shows it; robots
// always count as organization members.
func prototypeUserView(org *namespace, name string) map[string]any {
	robot := isRobotName(name)
	return map[string]any{"name": name, "is_robot": robot, "kind": "user", "is_org_member": robot || inAnyTeam(org, name), "avatar": accountAvatar(name)}
}

func prototypeView(org *namespace, p *prototype) map[string]any {
	var delegate map[string]any
	if p.delegateKind == "team" {
		delegate = map[string]any{"name": p.delegateName, "kind": "team", "avatar": avatar(p.delegateName, "team")}
	} else {
		delegate = prototypeUserView(org, p.delegateName)
	}
	var activating any
	if p.activating != "" {
		activating = prototypeUserView(org, p.activating)
	}
	return map[string]any{"activating_user": activating, "delegate": delegate, "role": p.role, "id": p.id}
}

// isRobotName says whether name is a robot account name (namespace+short).
func isRobotName(name string) bool { return strings.Contains(name, "+") }

// prototypeLogMetadata is what Quay's log_prototype_action records.
func prototypeLogMetadata(r *request, p *prototype) map[string]any {
	m := map[string]any{"prototypeid": p.id, "username": r.caller.name(), "role": p.role, "activating_username": nil}
	if p.activating != "" {
		m["activating_username"] = p.activating
	}
	if p.delegateKind == "team" {
		m["delegate_team"] = p.delegateName
	} else {
		m["delegate_user"] = p.delegateName
	}
	return m
}

// orgForPrototypes loads the organization of a prototype call: 403 before
// 404, and 404 for a namespace that is a user, not an organization.
func (s *Server) orgForPrototypes(r *request) *namespace {
	name := r.param("orgname")
	if u := s.state.user(name); u != nil && r.caller.user == u && r.caller.scopes["org:admin"] {
		// A user administers its own namespace, which is no organization.
		r.notFound()
		return nil
	}
	return s.orgForWrite(r)
}

// GET /api/v1/organization/{orgname}/prototypes (§15.1).
func (s *Server) listPrototypes(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForPrototypes(r)
	if org == nil {
		return
	}
	list := []any{}
	for _, p := range org.prototypes {
		list = append(list, prototypeView(org, p))
	}
	r.ok(200, map[string]any{"prototypes": list})
}

// POST /api/v1/organization/{orgname}/prototypes (§15.1): answered 200, and
// an identical prototype is simply another one with a new id.
func (s *Server) createPrototype(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(newPrototypeSchema, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForPrototypes(r)
	if org == nil {
		return
	}
	p := &prototype{id: randomUUID()}
	p.role, _, _ = getString(body, "role")
	var activating, delegate map[string]json.RawMessage
	if raw, ok := body["activating_user"]; ok {
		_ = json.Unmarshal(raw, &activating)
	}
	_ = json.Unmarshal(body["delegate"], &delegate)
	p.activating, _, _ = getString(activating, "name")
	kind, _, _ := getString(delegate, "kind")
	name, _, _ := getString(delegate, "name")
	// Quay looks the accounts up in this order; an unknown team fails in
	// the lookup itself, an uncaught model error.
	// Users and robots of any namespace qualify (get_user).
	activatingFound := p.activating == "" || s.state.account(p.activating)
	userFound := kind == "user" && name != "" && s.state.account(name)
	teamFound := false
	if kind == "team" && name != "" {
		if org.team(name) == nil {
			r.modelError(fmt.Sprintf("('Team does not exist: %%s/%%s', '%s', '%s')", org.name, name))
			return
		}
		teamFound = true
	}
	if !activatingFound {
		r.invalidRequest("Unknown activating user")
		return
	}
	if !userFound && !teamFound {
		r.invalidRequest("Missing delegate user or team")
		return
	}
	p.delegateKind, p.delegateName = kind, name
	org.prototypes = append(org.prototypes, p)
	r.logAction("create_prototype_permission", org.name, prototypeLogMetadata(r, p))
	r.ok(200, prototypeView(org, p))
}

func (ns *namespace) prototype(id string) *prototype {
	for _, p := range ns.prototypes {
		if p.id == id {
			return p
		}
	}
	return nil
}

// prototypeForCall finds the prototype of a per-prototype call, 403 before
// 404; an id of another organization is unknown here.
func (s *Server) prototypeForCall(r *request) (*namespace, *prototype) {
	org := s.orgForPrototypes(r)
	if org == nil {
		return nil, nil
	}
	p := org.prototype(r.param("prototypeid"))
	if p == nil {
		r.notFound()
		return nil, nil
	}
	return org, p
}

// PUT /api/v1/organization/{orgname}/prototypes/{prototypeid} (§15.1).
func (s *Server) updatePrototype(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(updatePrototypeSchema, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, p := s.prototypeForCall(r)
	if p == nil {
		return
	}
	original := p.role
	p.role, _, _ = getString(body, "role")
	meta := prototypeLogMetadata(r, p)
	meta["original_role"] = original
	r.logAction("modify_prototype_permission", org.name, meta)
	r.ok(200, prototypeView(org, p))
}

// DELETE /api/v1/organization/{orgname}/prototypes/{prototypeid} (§15.1).
func (s *Server) deletePrototype(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, p := s.prototypeForCall(r)
	if p == nil {
		return
	}
	org.dropPrototypes(func(x *prototype) bool { return x == p })
	r.logAction("delete_prototype_permission", org.name, prototypeLogMetadata(r, p))
	r.noContent()
}

// dropPrototypes removes the prototypes of ns for which drop is true, as
// Quay's cascades do when a delegate team or account goes.
func (ns *namespace) dropPrototypes(drop func(*prototype) bool) {
	kept := ns.prototypes[:0]
	for _, p := range ns.prototypes {
		if !drop(p) {
			kept = append(kept, p)
		}
	}
	ns.prototypes = kept
}

// Prototypes returns the default permissions of org as
// "role delegateKind:delegateName[ by activating]", for test assertions.
func (s *Server) Prototypes(org string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.state.org(org)
	if o == nil {
		return nil
	}
	var out []string
	for _, p := range o.prototypes {
		line := p.role + " " + p.delegateKind + ":" + p.delegateName
		if p.activating != "" {
			line += " by " + p.activating
		}
		out = append(out, line)
	}
	return out
}

// AllPrototypes lists every default permission as "org/id", for test assertions.
func (s *Server) AllPrototypes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, p := range ns.prototypes {
			out = append(out, ns.name+"/"+p.id)
		}
	}
	return out
}

package emulator

import (
	"sort"
	"strings"
	"time"
)

// Organization mirroring (quay-api.md §20; endpoints/api/org_mirror.py,
// data/model/org_mirror.py), behind FEATURE_ORG_MIRROR on Quay 3.17 and
// later. One configuration per organization, kept on the organization.
// Only the API is emulated: no discovery, no repositories are made, so
// the discovered-repository list stays empty and a sync-now only sets
// the status.

// orgMirror is an OrgMirrorConfig row.
type orgMirror struct {
	enabled        bool
	registryType   string // harbor, quay
	url            string
	namespace      string
	username       *string
	password       *string
	registryConfig any
	filters        []any
	robot          string // the robot's full name
	visibility     string
	syncInterval   int64
	syncStart      *time.Time
	syncExpiration *time.Time
	status         string
	retries        int
	skopeoTimeout  int64
	created        time.Time
}

func (m *orgMirror) reference() string { return m.url + "/" + m.namespace }

// orgMirrorRepoStatuses are OrgMirrorRepoStatus's names, in Quay's order.
var orgMirrorRepoStatuses = []string{"CANCEL", "FAIL", "NEVER_RUN", "SUCCESS", "SYNCING", "SYNC_NOW", "SKIP"}

// createOrgMirrorSchema is CreateOrgMirrorConfig.
var createOrgMirrorSchema = mustSchema(`{"type": "object", "description": "Create organization mirror configuration",
	"required": ["external_registry_type", "external_registry_url", "external_namespace", "robot_username", "visibility", "sync_interval", "sync_start_date"],
	"properties": {
		"external_registry_type": {"type": "string", "description": "Type of source registry", "enum": ["harbor", "quay"]},
		"external_registry_url": {"type": "string", "description": "URL of the source registry"},
		"external_namespace": {"type": "string", "description": "Source namespace/project name", "maxLength": 255},
		"robot_username": {"type": "string", "description": "Robot account for creating repos (format: orgname+robotname)"},
		"visibility": {"type": "string", "description": "Visibility for created repositories", "enum": ["public", "private"]},
		"sync_interval": {"type": "integer", "description": "Seconds between syncs", "minimum": 60},
		"sync_start_date": {"type": "string", "description": "Initial sync time (ISO 8601 format)"},
		"is_enabled": {"type": "boolean", "description": "Enable or disable mirroring", "default": true},
		"external_registry_username": {"type": ["string", "null"], "description": "Username for source registry authentication"},
		"external_registry_password": {"type": ["string", "null"], "description": "Password for source registry authentication"},
		"external_registry_config": {"type": "object", "description": "TLS and proxy settings", "properties": {
			"verify_tls": {"type": "boolean", "description": "Verify TLS certificates"},
			"proxy": {"type": "object", "properties": {
				"https_proxy": {"type": ["string", "null"]},
				"http_proxy": {"type": ["string", "null"]},
				"no_proxy": {"type": ["string", "null"]}}}}},
		"repository_filters": {"type": "array", "description": "Glob patterns for filtering repositories", "items": {"type": "string"}},
		"skopeo_timeout": {"type": "integer", "description": "Timeout for Skopeo operations in seconds", "minimum": 30, "maximum": 3600, "default": 300}}}`)

// updateOrgMirrorSchema is UpdateOrgMirrorConfig: no external_registry_type.
var updateOrgMirrorSchema = mustSchema(`{"type": "object", "description": "Update organization mirror configuration", "properties": {
	"is_enabled": {"type": "boolean"},
	"external_registry_url": {"type": "string"},
	"external_namespace": {"type": "string", "maxLength": 255},
	"robot_username": {"type": "string"},
	"visibility": {"type": "string", "enum": ["public", "private"]},
	"sync_interval": {"type": "integer", "minimum": 60},
	"sync_start_date": {"type": "string"},
	"external_registry_username": {"type": ["string", "null"]},
	"external_registry_password": {"type": ["string", "null"]},
	"external_registry_config": {"type": "object"},
	"repository_filters": {"type": "array", "items": {"type": "string"}},
	"skopeo_timeout": {"type": "integer", "minimum": 30, "maximum": 3600}}}`)

func (s *Server) registerOrgMirrorRoutes(rt *router) {
	if !s.orgMirrorOn() {
		return
	}
	const base = "/api/v1/organization/{orgname}/mirror"
	rt.handle("GET", base, s.getOrgMirror)
	rt.handle("POST", base, s.createOrgMirror)
	rt.handle("PUT", base, s.updateOrgMirror)
	rt.handle("DELETE", base, s.deleteOrgMirror)
	rt.handle("POST", base+"/sync-now", s.orgMirrorSyncNow)
	rt.handle("POST", base+"/sync-cancel", s.orgMirrorSyncCancel)
	rt.handle("GET", base+"/repositories", s.listOrgMirrorRepositories)
}

// orgMirrorOn says whether the install has organization mirroring.
func (s *Server) orgMirrorOn() bool {
	return s.cfg.Features.OrgMirror && versionAtLeast(s.cfg.Version, 3, 17)
}

// orgMirrored is features.ORG_MIRROR and is_namespace_org_mirrored: what
// repository creation, state changes, proxy caches and immutability
// policies of the organization check. Callers hold s.mu.
func (s *Server) orgMirrored(name string) bool {
	if !s.orgMirrorOn() {
		return false
	}
	org := s.state.org(name)
	return org != nil && org.orgMirror != nil
}

func init() {
	// The robot's recursive delete takes the configuration along.
	robotDropHooks = append(robotDropHooks, func(s *Server, full string) {
		for _, ns := range s.state.namespaces {
			if ns.orgMirror != nil && ns.orgMirror.robot == full {
				ns.orgMirror = nil
			}
		}
	})
}

func (s *Server) orgMirrorView(m *orgMirror) map[string]any {
	var username any
	if m.username != nil {
		username = *m.username
	}
	cfg := m.registryConfig
	if c, ok := cfg.(map[string]any); !ok || len(c) == 0 {
		cfg = map[string]any{}
	}
	filters := m.filters
	if filters == nil {
		filters = []any{}
	}
	counts := map[string]any{}
	for _, st := range orgMirrorRepoStatuses {
		counts[st] = 0
	}
	var robot any
	if m.robot != "" {
		robot = m.robot
	}
	created := m.created
	return map[string]any{
		"is_enabled": m.enabled, "external_registry_type": m.registryType, "external_registry_url": m.url,
		"external_namespace": m.namespace, "external_registry_username": username,
		"has_external_registry_password": m.password != nil, "external_registry_config": cfg,
		"repository_filters": filters, "robot_username": robot, "visibility": m.visibility,
		"sync_interval": m.syncInterval, "sync_start_date": mirrorTime(m.syncStart),
		"sync_expiration_date": mirrorTime(m.syncExpiration), "sync_status": m.status,
		"sync_retries_remaining": m.retries, "repo_sync_status_counts": counts,
		"skopeo_timeout": m.skopeoTimeout, "creation_date": mirrorTime(&created),
	}
}

// orgMirrorOrg is the start of every handler: require_org_admin (or the
// readers' check), then the organization, then (with needConfig) its
// configuration; each missing one is a 404.
func (r *request) orgMirrorOrg(needConfig bool) (*namespace, bool) {
	s := r.srv
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return nil, false
	}
	org := s.state.org(name)
	if org == nil || (needConfig && org.orgMirror == nil) {
		r.notFound()
		return nil, false
	}
	return org, true
}

// GET /api/v1/organization/{orgname}/mirror (§20.1).
func (s *Server) getOrgMirror(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if org, ok := r.orgMirrorOrg(true); ok {
		r.ok(200, s.orgMirrorView(org.orgMirror))
	}
}

// orgMirrorRobot checks robot_username: an existing robot, of this
// organization.
func (r *request) orgMirrorRobot(org *namespace, name string) (*robot, bool) {
	rb := r.srv.state.robot(name)
	if rb == nil {
		r.invalidRequest("Invalid robot account: " + name)
		return nil, false
	}
	if rb.namespace != org.name {
		r.invalidRequest("Robot account must belong to the organization")
		return nil, false
	}
	return rb, true
}

// orgMirrorURL is _validate_registry_url: Quay's URL, SSRF and DNS checks,
// an SSRF refusal answered with a generic text.
func (r *request) orgMirrorURL(url string) bool {
	if msg, ssrf := checkRegistryURL(url, r.srv.cfg.SSRFAllowedHosts, true); msg != "" {
		if ssrf {
			msg = "The provided registry URL is not allowed"
		}
		r.invalidRequest(msg)
		return false
	}
	return true
}

const badOrgMirrorDate = "Invalid sync_start_date format. Use ISO 8601: YYYY-MM-DDTHH:MM:SSZ"

// emptyToNil is Python's "value or None" for an optional string.
func emptyToNil(v *jsonValue) *string {
	if p := optionalString(v); p != nil && *p != "" {
		return p
	}
	return nil
}

// POST /api/v1/organization/{orgname}/mirror (§20.2): the schema before
// the permission; then the robot, the date, the URL, and the model's
// checks: an empty organization without immutability policies or a proxy
// cache, and no configuration yet. 201 "".
func (s *Server) createOrgMirror(r *request) {
	body, _, ok := r.validJSON(createOrgMirrorSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := r.orgMirrorOrg(false)
	if !ok {
		return
	}
	robotName := body.get("robot_username").str
	rb, ok := r.orgMirrorRobot(org, robotName)
	if !ok {
		return
	}
	start, ok := parseMirrorDate(body.get("sync_start_date").str)
	if !ok {
		r.invalidRequest(badOrgMirrorDate)
		return
	}
	timeout := int64(300)
	if v := body.get("skopeo_timeout"); v != nil {
		timeout = intValue(v)
	}
	url := body.get("external_registry_url").str
	if !r.orgMirrorURL(url) {
		return
	}
	if len(org.repos) > 0 {
		r.invalidRequest("Cannot create organization mirror: the organization already contains repositories. Organization mirroring requires an empty organization.")
		return
	}
	if s.cfg.Features.ImmutableTags && len(org.immutabilityPolicies) > 0 {
		r.invalidRequest("Cannot create organization mirror: the organization has immutability policies configured. Remove all namespace immutability policies first.")
		return
	}
	if s.cfg.Features.ProxyCache && org.proxyCache != nil {
		r.invalidRequest("Cannot create organization mirror: the organization has a proxy cache configuration. Remove the proxy cache configuration first.")
		return
	}
	if org.orgMirror != nil {
		r.invalidRequest("Mirror configuration already exists for this organization")
		return
	}
	m := &orgMirror{
		enabled: true, registryType: body.get("external_registry_type").str, url: url,
		namespace: body.get("external_namespace").str, robot: rb.fullName(),
		visibility: body.get("visibility").str, syncInterval: intValue(body.get("sync_interval")),
		syncStart: &start, status: "NEVER_RUN", retries: mirrorMaxRetries, skopeoTimeout: timeout,
		created: time.Now().UTC().Truncate(time.Microsecond), registryConfig: map[string]any{}, filters: []any{},
		username: emptyToNil(body.get("external_registry_username")),
		password: emptyToNil(body.get("external_registry_password")),
	}
	if v := body.get("is_enabled"); v != nil {
		m.enabled = v.b
	}
	if v := body.get("external_registry_config"); pyTruthy(v) {
		m.registryConfig = v.native()
	}
	if v := body.get("repository_filters"); pyTruthy(v) {
		m.filters, _ = v.native().([]any)
	}
	org.orgMirror = m
	r.logAction("org_mirror_enabled", org.name, map[string]any{
		"external_registry_type": m.registryType, "external_registry_url": m.url,
		"external_namespace": m.namespace, "sync_interval": m.syncInterval, "robot_username": robotName,
	})
	r.ok(201, "")
}

// PUT /api/v1/organization/{orgname}/mirror (§20.3): every value is checked
// before the configuration changes at once; credentials are independent
// and "" clears them; config and filters are replaced. 200 "".
func (s *Server) updateOrgMirror(r *request) {
	body, _, ok := r.validJSON(updateOrgMirrorSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := r.orgMirrorOrg(true)
	if !ok {
		return
	}
	m := org.orgMirror
	old := m.reference()
	next := *m
	if v := body.get("is_enabled"); v != nil {
		next.enabled = v.b
	}
	if v := body.get("external_registry_url"); v != nil {
		if !r.orgMirrorURL(v.str) {
			return
		}
		next.url = v.str
	}
	if v := body.get("external_namespace"); v != nil {
		next.namespace = v.str
	}
	if v := body.get("robot_username"); v != nil {
		rb, ok := r.orgMirrorRobot(org, v.str)
		if !ok {
			return
		}
		next.robot = rb.fullName()
	}
	if v := body.get("visibility"); v != nil {
		next.visibility = v.str
	}
	if v := body.get("sync_interval"); v != nil {
		next.syncInterval = intValue(v)
	}
	if v := body.get("sync_start_date"); v != nil {
		start, ok := parseMirrorDate(v.str)
		if !ok {
			r.invalidRequest(badOrgMirrorDate)
			return
		}
		next.syncStart = &start
	}
	if v := body.get("external_registry_username"); v != nil {
		next.username = emptyToNil(v)
	}
	if v := body.get("external_registry_password"); v != nil {
		next.password = emptyToNil(v)
	}
	if v := body.get("external_registry_config"); v != nil {
		next.registryConfig = v.native()
	}
	if v := body.get("repository_filters"); v != nil {
		next.filters, _ = v.native().([]any)
	}
	if v := body.get("skopeo_timeout"); v != nil {
		next.skopeoTimeout = intValue(v)
	}
	*m = next
	fields := make([]any, len(body.keys))
	for i, k := range body.keys {
		fields[i] = k
	}
	r.logAction("org_mirror_config_changed", org.name, map[string]any{
		"updated_fields": fields, "old_external_reference": old, "external_reference": m.reference(),
	})
	r.ok(200, "")
}

// DELETE /api/v1/organization/{orgname}/mirror (§20.3): the repositories
// the mirror made stay, back in state NORMAL.
func (s *Server) deleteOrgMirror(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := r.orgMirrorOrg(true)
	if !ok {
		return
	}
	ref := org.orgMirror.reference()
	org.orgMirror = nil
	if versionAtLeast(s.cfg.Version, 3, 18) {
		for _, repo := range org.repos {
			if repo.state == "ORG_MIRROR" {
				repo.state = "NORMAL"
			}
		}
	}
	r.logAction("org_mirror_disabled", org.name, map[string]any{"external_reference": ref})
	r.noContent()
}

// POST /api/v1/organization/{orgname}/mirror/sync-now (§20.4): status
// SYNC_NOW, start now; refused while discovery runs.
func (s *Server) orgMirrorSyncNow(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := r.orgMirrorOrg(true)
	if !ok {
		return
	}
	m := org.orgMirror
	if m.status == "SYNCING" {
		if versionAtLeast(s.cfg.Version, 3, 18) {
			r.invalidRequest("Cannot trigger sync: discovery is currently in progress.")
		} else {
			r.invalidRequest("Cannot trigger sync: mirror is currently syncing")
		}
		return
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	m.status, m.syncStart, m.syncExpiration, m.retries = "SYNC_NOW", &now, nil, max(m.retries, 1)
	r.logAction("org_mirror_sync_now_requested", org.name, map[string]any{"external_reference": m.reference()})
	r.noContent()
}

// POST /api/v1/organization/{orgname}/mirror/sync-cancel (§20.4): any
// status but CANCEL; Quay 3.18 marks the cancel for the worker with an
// expiration date of now.
func (s *Server) orgMirrorSyncCancel(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := r.orgMirrorOrg(true)
	if !ok {
		return
	}
	m := org.orgMirror
	if m.status == "CANCEL" {
		r.invalidRequest("Cannot cancel: mirror is already cancelled") //nolint:misspell // Quay's message
		return
	}
	m.status, m.syncExpiration, m.retries = "CANCEL", nil, 0
	if versionAtLeast(s.cfg.Version, 3, 18) {
		now := time.Now().UTC().Truncate(time.Microsecond)
		m.syncExpiration = &now
	}
	r.logAction("org_mirror_sync_cancelled", org.name, map[string]any{"external_reference": m.reference()}) //nolint:misspell // Quay's log kind
	r.noContent()
}

// GET /api/v1/organization/{orgname}/mirror/repositories (§20.4): the
// discovered repositories, which the emulator never discovers.
func (s *Server) listOrgMirrorRepositories(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := r.orgMirrorOrg(true); !ok {
		return
	}
	q := r.URL.Query()
	intArg := func(name string, def int) int {
		if n, ok := pyInt(q.Get(name)); ok && q.Has(name) {
			return n
		}
		return def
	}
	page, limit := intArg("page", 1), min(intArg("limit", 100), 500)
	if page < 1 {
		page = 1
	}
	if limit < 1 {
		limit = 100
	}
	if q.Has("status") {
		st := strings.ToUpper(q.Get("status"))
		valid := false
		for _, v := range orgMirrorRepoStatuses {
			valid = valid || v == st
		}
		if !valid {
			r.invalidRequest("Invalid status filter '" + q.Get("status") + "'. Valid values: " + strings.Join(orgMirrorRepoStatuses, ", "))
			return
		}
	}
	r.ok(200, map[string]any{"repositories": []any{}, "page": page, "limit": limit, "total": 0, "has_next": false})
}

// AllOrgMirrors lists the organizations with a mirror configuration, sorted.
func (s *Server) AllOrgMirrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		if ns.orgMirror != nil {
			out = append(out, ns.name)
		}
	}
	sort.Strings(out)
	return out
}

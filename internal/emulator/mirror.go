package emulator

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Repository mirroring (quay-api.md §19; endpoints/api/mirror.py,
// data/model/repo_mirror.py), behind FEATURE_REPO_MIRROR. One
// configuration per repository, kept on the repository, so a repository
// delete takes it along; Quay has no other way to remove one. The sync
// itself (workers/repomirrorworker) is in mirror_sync.go.

// repoMirror is a RepoMirrorConfig row with its root rule.
type repoMirror struct {
	enabled        bool
	reference      string
	username       *string // nil is null
	password       *string // never shown
	registryConfig map[string]any
	syncInterval   int64
	syncStart      *time.Time
	syncExpiration *time.Time
	retries        int
	status         string // NEVER_RUN, SYNC_NOW, SYNCING, SUCCESS, FAIL, CANCEL
	rules          []string
	robot          string // the robot's full name
	skopeoTimeout  int64
	archFilter     []string
}

const (
	mirrorMaxRetries = 3              // MAX_SYNC_RETRIES
	mirrorMaxSync    = 12 * time.Hour // MAX_SYNC_DURATION: sync_expiration_date of a running sync
	mirrorDateLayout = "2006-01-02T15:04:05"
)

// mirrorArchitectures are VALID_ARCHITECTURES.
var mirrorArchitectures = map[string]bool{"amd64": true, "arm64": true, "ppc64le": true, "s390x": true}

// mirrorProperties is common_properties, the properties of the create
// and update schemas, for version v: skopeo_timeout_interval came with
// 3.15, architecture_filter with 3.17.
func mirrorProperties(v string) string {
	props := `{
	"is_enabled": {"type": "boolean", "description": "Used to enable or disable synchronizations."},
	"external_reference": {"type": "string", "description": "Location of the external repository."},
	"external_registry_username": {"type": ["string", "null"], "description": "Username used to authenticate with external registry."},
	"external_registry_password": {"type": ["string", "null"], "description": "Password used to authenticate with external registry."},
	"sync_start_date": {"type": "string", "description": "Determines the next time this repository is ready for synchronization."},
	"sync_interval": {"type": "integer", "minimum": 0, "description": "Number of seconds after next_start_date to begin synchronizing."},
	"robot_username": {"type": "string", "description": "Username of robot which will be used for image pushes."},
	"root_rule": {"type": "object", "required": ["rule_kind", "rule_value"], "properties": {
		"rule_kind": {"type": "string", "description": "The kind of rule type", "enum": ["tag_glob_csv"]},
		"rule_value": {"type": "array", "description": "Array of tag patterns", "items": {"type": "string"}}},
		"description": "A list of glob-patterns used to determine which tags should be synchronized."},
	"external_registry_config": {"type": "object", "properties": {
		"verify_tls": {"type": "boolean", "description": "Determines whether HTTPs is required and the certificate is verified when communicating with the external repository."},
		"unsigned_images": {"type": "boolean", "description": "Determines whether the image signature will be verified when pulling from the external repository."},
		"proxy": {"type": "object", "description": "Proxy configuration for use during synchronization.", "properties": {
			"https_proxy": {"type": ["string", "null"], "description": "Value for HTTPS_PROXY environment variable during sync."},
			"http_proxy": {"type": ["string", "null"], "description": "Value for HTTP_PROXY environment variable during sync."},
			"no_proxy": {"type": ["string", "null"], "description": "Value for NO_PROXY environment variable during sync."}}}}}`
	if versionAtLeast(v, 3, 15) {
		props += `,
	"skopeo_timeout_interval": {"type": "integer", "minimum": 300, "description": "Number of seconds mirroring job will run before timing out."}`
	}
	if versionAtLeast(v, 3, 17) {
		props += `,
	"architecture_filter": {"type": ["array", "null"], "items": {"type": "string"}, "description": "List of architectures to mirror from multi-arch images. Empty array or null means mirror all architectures. Valid values: amd64, arm64, ppc64le, s390x."}`
	}
	return props + "}"
}

// createMirrorSchema is CreateMirrorConfig.
func createMirrorSchema(v string) *schema {
	required := `"external_reference", "sync_interval", "sync_start_date", "root_rule"`
	if versionAtLeast(v, 3, 15) {
		required += `, "skopeo_timeout_interval"`
	}
	return mustSchema(`{"description": "Create the repository mirroring configuration.", "type": "object", "required": [` +
		required + `], "properties": ` + mirrorProperties(v) + `}`)
}

// updateMirrorSchema is UpdateMirrorConfig.
func updateMirrorSchema(v string) *schema {
	return mustSchema(`{"description": "Update the repository mirroring configuration.", "type": "object", "properties": ` +
		mirrorProperties(v) + `}`)
}

func (s *Server) registerMirrorRoutes(rt *router) {
	if !s.cfg.Features.RepoMirror {
		return
	}
	create, update := createMirrorSchema(s.cfg.Version), updateMirrorSchema(s.cfg.Version)
	const base = "/api/v1/repository/{repository}/mirror"
	rt.handle("GET", base, s.getRepoMirror)
	rt.handle("POST", base, func(r *request) { s.createRepoMirror(r, create) })
	rt.handle("PUT", base, func(r *request) { s.updateRepoMirror(r, update) })
	rt.handle("POST", base+"/sync-now", s.repoMirrorSyncNow)
	rt.handle("POST", base+"/sync-cancel", s.repoMirrorSyncCancel)
}

func init() {
	// A robot named by a repository mirror goes only with its namespace;
	// an organization mirror goes with its robot (org_mirror.go).
	robotDeleteGuards = append(robotDeleteGuards, func(s *Server, full string) string {
		for _, ns := range s.state.namespaces {
			for _, repo := range ns.repos {
				if repo.mirror != nil && repo.mirror.robot == full {
					return "Robot is being used by a mirror"
				}
			}
		}
		return ""
	})
}

// mirrorTime is _dt_to_string: ISO 8601 with microseconds only when there
// are any, and a "Z".
func mirrorTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	u := t.UTC()
	out := u.Format(mirrorDateLayout)
	if us := u.Nanosecond() / 1000; us != 0 {
		out += "." + strconv.Itoa(1000000 + us)[1:]
	}
	return out + "Z"
}

// mirrorDatePattern is the regular expression Python's strptime builds
// for "%Y-%m-%dT%H:%M:%SZ" (case-insensitive, as strptime matches).
var mirrorDatePattern = regexp.MustCompile(`(?i)^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])T(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)Z$`)

// parseMirrorDate is _string_to_dt: datetime.strptime with Quay's format;
// ok is false where Python raises ValueError.
func parseMirrorDate(s string) (time.Time, bool) {
	m := mirrorDatePattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(strings.TrimSpace(m[i+1]))
	}
	if n[0] < 1 || n[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	if t.Day() != n[2] { // 31 April and the like
		return time.Time{}, false
	}
	return t, true
}

// repoMirrorView is the GET answer; the password is never part of it.
func (s *Server) repoMirrorView(m *repoMirror) map[string]any {
	var username, robot any
	if m.username != nil {
		username = *m.username
	}
	if m.robot != "" {
		robot = m.robot
	}
	cfg := m.registryConfig
	if cfg == nil {
		cfg = map[string]any{}
	}
	v := map[string]any{
		"is_enabled":                 m.enabled,
		"mirror_type":                "PULL",
		"external_reference":         m.reference,
		"external_registry_username": username,
		"external_registry_config":   cfg,
		"sync_interval":              m.syncInterval,
		"sync_start_date":            mirrorTime(m.syncStart),
		"sync_expiration_date":       mirrorTime(m.syncExpiration),
		"sync_retries_remaining":     m.retries,
		"sync_status":                m.status,
		"root_rule":                  map[string]any{"rule_kind": "tag_glob_csv", "rule_value": append([]string{}, m.rules...)},
		"robot_username":             robot,
	}
	if versionAtLeast(s.cfg.Version, 3, 15) {
		v["skopeo_timeout_interval"] = m.skopeoTimeout
	}
	if versionAtLeast(s.cfg.Version, 3, 17) {
		v["architecture_filter"] = append([]string{}, m.archFilter...)
	}
	return v
}

// mirrorRepo finds the repository of a mirror call after the permission
// check, and its mirror configuration; each missing one is a 404.
func (r *request) mirrorRepo() (*repository, *repoMirror, bool) {
	s := r.srv
	ns, name := splitRepository(r.param("repository"))
	if !r.caller.fullAccess && s.repoRole(r.caller, ns, name) != "admin" {
		r.forbidden()
		return nil, nil, false
	}
	repo := s.state.repo(ns, name)
	if repo == nil || repo.mirror == nil {
		r.notFound()
		return nil, nil, false
	}
	return repo, repo.mirror, true
}

// GET /api/v1/repository/{repository}/mirror (§19.1).
func (s *Server) getRepoMirror(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, m, ok := r.mirrorRepo(); ok {
		r.ok(200, s.repoMirrorView(m))
	}
}

// orgMirrorRefusesRepoMirror is _reject_if_org_mirror_configured: a
// repository mirror cannot be managed in an organization that has an
// organization mirror (with the flag on or off).
func (r *request) orgMirrorRefusesRepoMirror(ns string) bool {
	if org := r.srv.state.org(ns); org != nil && org.orgMirror != nil {
		r.invalidRequest("Repository mirror configuration cannot be managed when organization-level mirroring is configured")
		return true
	}
	return false
}

// bareDetail is an error Quay's handler returns itself: {"detail": msg}
// without the rest of the problem body.
func (r *request) bareDetail(status int, msg string) {
	writeJSON(r.w, status, map[string]any{"detail": msg})
}

// checkArchFilter is the architecture_filter check: FEATURE_SPARSE_INDEX
// for a non-empty filter, then validate_architecture_filter. The answer is
// Quay's bare {"detail"}.
func (r *request) checkArchFilter(v *jsonValue) bool {
	if !pyTruthy(v) {
		return true
	}
	if !r.srv.cfg.Features.SparseIndex {
		r.bareDetail(400, "Architecture filtering requires FEATURE_SPARSE_INDEX to be enabled.")
		return false
	}
	var invalid []string
	seen := map[string]bool{}
	for _, a := range v.vals {
		if !mirrorArchitectures[a.str] && !seen[a.str] {
			seen[a.str] = true
			invalid = append(invalid, a.str)
		}
	}
	if len(invalid) > 0 {
		sort.Strings(invalid)
		r.bareDetail(400, "Invalid architectures: "+strings.Join(invalid, ", "))
		return false
	}
	return true
}

// checkMirrorRule is validate_rule: its ValidationError becomes a 400
// problem through validate_json_request's handler.
func (r *request) checkMirrorRule(rule *jsonValue) bool {
	if values := rule.get("rule_value"); values == nil || len(values.vals) == 0 {
		r.invalidRequest("validation failed: rule_value for TAG_GLOB_CSV must be a list with at least one rule")
		return false
	}
	return true
}

// mirrorRobot is _validate_robot_for_mirroring: the robot must exist
// (lookup_robot's uncaught error otherwise) and belong to the
// repository's namespace.
func (r *request) mirrorRobot(ns, name string) *robot {
	rb := r.srv.state.robot(name)
	if rb == nil {
		r.modelError(robotNotFound)
		return nil
	}
	if rb.namespace != ns {
		r.modelError("Invalid robot")
		return nil
	}
	return rb
}

// grantMirrorRobot is the rest of _setup_robot_for_mirroring: a robot
// with no permission on the repository, or only read, gets write.
func (s *Server) grantMirrorRobot(repo *repository, full string) {
	if role := grantedRole(s, repo.namespace, repo.name, full); role == "" || role == "read" {
		s.state.grants(repo.namespace, repo.name, true).users[full] = "write"
	}
}

// mirrorChanged logs a repo_mirror_config_changed entry as track_and_log
// writes it.
func (r *request) mirrorChanged(repo *repository, changed string, to any) {
	r.logAction("repo_mirror_config_changed", repo.namespace, map[string]any{
		"repo": repo.name, "namespace": repo.namespace, "user-agent": r.UserAgent(),
		"changed": changed, "to": to,
	})
}

// optionalString reads a string-or-null value: nil for null.
func optionalString(v *jsonValue) *string {
	if v == nil || v.kind != "string" {
		return nil
	}
	s := v.str
	return &s
}

// POST /api/v1/repository/{repository}/mirror (§19.2): the permission,
// the schema, the repository, an organization mirror, an existing
// configuration (409), then every value before anything is written; the
// robot's grant comes before the configuration is made, so a body key the
// model does not take fails (500) after the grant.
func (s *Server) createRepoMirror(r *request, sch *schema) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name := splitRepository(r.param("repository"))
	if !r.caller.fullAccess && s.repoRole(r.caller, ns, name) != "admin" {
		r.forbidden()
		return
	}
	body, _, ok := r.validJSON(sch)
	if !ok {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	if r.orgMirrorRefusesRepoMirror(ns) {
		return
	}
	if repo.mirror != nil {
		r.bareDetail(409, "Mirror configuration already exits for repository "+ns+"/"+name)
		return
	}
	reference := body.get("external_reference").str
	if msg, ssrf := checkRegistryReference(reference, s.cfg.SSRFAllowedHosts, true); msg != "" {
		if ssrf {
			msg = "The provided registry location is not allowed"
		}
		r.invalidRequest(msg)
		return
	}
	modern := versionAtLeast(s.cfg.Version, 3, 17)
	arch := body.get("architecture_filter")
	if modern && !r.checkArchFilter(arch) {
		return
	}
	timeout := int64(0)
	if versionAtLeast(s.cfg.Version, 3, 15) {
		timeout = intValue(body.get("skopeo_timeout_interval"))
		if timeout < 300 {
			r.bareDetail(400, "Skopeo timeout interval cannot be less than 300 seconds")
			return
		}
	}
	start, ok := parseMirrorDate(body.get("sync_start_date").str)
	if !ok {
		r.bareDetail(400, "Incorrect DateTime format for sync_start_date.")
		return
	}
	rule := body.get("root_rule")
	if !r.checkMirrorRule(rule) {
		return
	}
	robotName := body.get("robot_username")
	if robotName == nil {
		r.internalError() // data["robot_username"]: KeyError
		return
	}
	rb := r.mirrorRobot(ns, robotName.str)
	if rb == nil {
		return
	}
	s.grantMirrorRobot(repo, rb.fullName())
	known := map[string]bool{
		"external_reference": true, "sync_interval": true, "sync_start_date": true, "root_rule": true,
		"robot_username": true, "is_enabled": true, "external_registry_username": true,
		"external_registry_password": true, "external_registry_config": true,
	}
	if versionAtLeast(s.cfg.Version, 3, 15) {
		known["skopeo_timeout_interval"] = true
	}
	if modern {
		known["architecture_filter"] = true
	}
	for _, k := range body.keys {
		if !known[k] {
			// enable_mirroring_for_repository(**data) takes no such
			// keyword: a TypeError nothing catches.
			r.internalError()
			return
		}
	}
	interval := intValue(body.get("sync_interval"))
	m := &repoMirror{
		enabled: true, reference: reference, syncInterval: interval, syncStart: &start,
		retries: mirrorMaxRetries, status: "NEVER_RUN", robot: rb.fullName(), skopeoTimeout: timeout,
		registryConfig: map[string]any{}, archFilter: []string{},
	}
	if v := body.get("is_enabled"); v != nil {
		m.enabled = v.b
	}
	// Empty credentials are stored as null.
	if u := optionalString(body.get("external_registry_username")); u != nil && *u != "" {
		m.username = u
	}
	if p := optionalString(body.get("external_registry_password")); p != nil && *p != "" {
		m.password = p
	}
	if c := body.get("external_registry_config"); c != nil && len(c.keys) > 0 {
		m.registryConfig, _ = c.native().(map[string]any)
	}
	for _, v := range rule.get("rule_value").vals {
		m.rules = append(m.rules, v.str)
	}
	if arch != nil {
		for _, v := range arch.vals {
			m.archFilter = append(m.archFilter, v.str)
		}
	}
	repo.mirror = m
	repo.state = "MIRROR"
	r.mirrorChanged(repo, "external_reference", reference)
	r.ok(201, "")
}

// PUT /api/v1/repository/{repository}/mirror (§19.3): every value is
// checked before the first change, then the changes are applied one by
// one, each logged; external_registry_config is merged key by key.
func (s *Server) updateRepoMirror(r *request, sch *schema) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name := splitRepository(r.param("repository"))
	if !r.caller.fullAccess && s.repoRole(r.caller, ns, name) != "admin" {
		r.forbidden()
		return
	}
	body, _, ok := r.validJSON(sch)
	if !ok {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	if r.orgMirrorRefusesRepoMirror(ns) {
		return
	}
	m := repo.mirror
	if m == nil {
		r.notFound()
		return
	}
	modern := versionAtLeast(s.cfg.Version, 3, 17)
	get := func(key string) *jsonValue {
		if key == "architecture_filter" && !modern {
			return nil
		}
		if key == "skopeo_timeout_interval" && !versionAtLeast(s.cfg.Version, 3, 15) {
			return nil
		}
		return body.get(key)
	}
	if ref := get("external_reference"); ref != nil {
		if msg, ssrf := checkRegistryReference(ref.str, s.cfg.SSRFAllowedHosts, true); msg != "" {
			if ssrf {
				msg = "The provided registry location is not allowed"
			}
			r.invalidRequest(msg)
			return
		}
	}
	var start time.Time
	if v := get("sync_start_date"); v != nil {
		if start, ok = parseMirrorDate(v.str); !ok {
			r.bareDetail(400, "Incorrect DateTime format for sync_start_date.")
			return
		}
	}
	var timeout int64
	if v := get("skopeo_timeout_interval"); v != nil {
		timeout = intValue(v)
		if timeout < 300 {
			r.bareDetail(400, "Skopeo timeout interval cannot be less than 300 seconds.")
			return
		}
	}
	if v := get("architecture_filter"); v != nil && !r.checkArchFilter(v) {
		return
	}
	user, pass := get("external_registry_username"), get("external_registry_password")
	if pass != nil && user == nil {
		r.bareDetail(400, "Unable to set a new password without also specifying a username.")
		return
	}
	if user != nil && pass != nil && user.kind == "null" && pass.kind != "null" {
		r.bareDetail(400, "Unable to delete username while setting a password.")
		return
	}
	rule := get("root_rule")
	if rule != nil && !r.checkMirrorRule(rule) {
		return
	}
	var rb *robot
	if v := get("robot_username"); v != nil {
		if rb = r.mirrorRobot(ns, v.str); rb == nil {
			return
		}
	}

	if v := get("is_enabled"); v != nil {
		m.enabled = v.b
		r.mirrorChanged(repo, "is_enabled", v.b)
	}
	if v := get("external_reference"); v != nil {
		m.reference = v.str
		r.mirrorChanged(repo, "external_reference", v.str)
	}
	if rb != nil {
		// set_mirroring_robot answers nothing, so the change is not logged.
		s.grantMirrorRobot(repo, rb.fullName())
		m.robot = rb.fullName()
	}
	if get("sync_start_date") != nil {
		m.syncStart = &start
		r.mirrorChanged(repo, "sync_start_date", start)
	}
	if v := get("sync_interval"); v != nil {
		m.syncInterval = intValue(v)
		r.mirrorChanged(repo, "sync_interval", m.syncInterval)
	}
	if get("skopeo_timeout_interval") != nil {
		m.skopeoTimeout = timeout
		r.mirrorChanged(repo, "skopeo_timeout_interval", timeout)
	}
	if v := get("architecture_filter"); v != nil {
		m.archFilter = []string{}
		for _, a := range v.vals {
			m.archFilter = append(m.archFilter, a.str)
		}
		r.mirrorChanged(repo, "architecture_filter", v.native())
	}
	switch {
	case user != nil && pass != nil:
		m.username, m.password = optionalString(user), optionalString(pass)
		r.mirrorChanged(repo, "external_registry_username", user.native())
		var to any = "********"
		if pass.kind == "null" {
			to = nil
		}
		r.mirrorChanged(repo, "external_registry_password", to)
	case user != nil:
		m.username = optionalString(user)
		r.mirrorChanged(repo, "external_registry_username", user.native())
	}
	if c := get("external_registry_config"); c != nil {
		s.mergeMirrorConfig(r, repo, c)
	}
	if rule != nil {
		m.rules = nil
		for _, v := range rule.get("rule_value").vals {
			m.rules = append(m.rules, v.str)
		}
		r.mirrorChanged(repo, "mirror_rule", rule.get("rule_value").native())
	}
	r.ok(201, "")
}

// mergeMirrorConfig is the update's external_registry_config handling:
// only verify_tls, unsigned_images and the three proxy keys count, each
// merged on its own. Quay's change_external_registry_config only makes
// the proxy object when it is missing, so the first proxy key of a
// configuration without one is lost.
func (s *Server) mergeMirrorConfig(r *request, repo *repository, c *jsonValue) {
	m := repo.mirror
	if m.registryConfig == nil {
		m.registryConfig = map[string]any{}
	}
	for _, key := range []string{"verify_tls", "unsigned_images"} {
		if v := c.get(key); v != nil {
			m.registryConfig[key] = v.native()
			r.mirrorChanged(repo, key, v.native())
		}
	}
	proxy := c.get("proxy")
	if proxy == nil || proxy.kind != "object" {
		return
	}
	for _, key := range []string{"http_proxy", "https_proxy", "no_proxy"} {
		v := proxy.get(key)
		if v == nil {
			continue
		}
		if stored, ok := m.registryConfig["proxy"].(map[string]any); ok {
			stored[key] = v.native()
		} else {
			m.registryConfig["proxy"] = map[string]any{}
		}
		r.mirrorChanged(repo, key, v.native())
	}
}

// POST /api/v1/repository/{repository}/mirror/sync-now (§19.4): 204 and
// status SYNC_NOW with at least one retry; 404 for a running sync. The
// emulated worker then runs the sync after MirrorSyncDelay.
func (s *Server) repoMirrorSyncNow(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, m, ok := r.mirrorRepo()
	if !ok {
		return
	}
	if m.status == "SYNCING" {
		r.notFound()
		return
	}
	m.status, m.syncExpiration, m.retries = "SYNC_NOW", nil, max(m.retries, 1)
	r.mirrorChanged(repo, "sync_status", "SYNC_NOW")
	s.scheduleMirrorWorker(repo.namespace, repo.name, m)
	r.noContent()
}

// POST /api/v1/repository/{repository}/mirror/sync-cancel (§19.4): only a
// sync that runs or is asked for can be canceled.
func (s *Server) repoMirrorSyncCancel(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, m, ok := r.mirrorRepo()
	if !ok {
		return
	}
	if m.status != "SYNCING" && m.status != "SYNC_NOW" {
		r.notFound()
		return
	}
	m.status, m.syncExpiration, m.retries = "CANCEL", nil, 0
	r.mirrorChanged(repo, "sync_status", "SYNC_CANCEL")
	r.noContent()
}

// Test helpers.

// AllMirrors lists "namespace/repository" of every repository with a
// mirror configuration, sorted.
func (s *Server) AllMirrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, repo := range ns.repos {
			if repo.mirror != nil {
				out = append(out, ns.name+"/"+repo.name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// EnabledMirrors lists the repositories (ns/repo, sorted) whose mirror
// configuration is enabled; a disabled one is what a provider's destroy
// leaves, as Quay has no delete.
func (s *Server) EnabledMirrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		for _, repo := range ns.repos {
			if repo.mirror != nil && repo.mirror.enabled {
				out = append(out, ns.name+"/"+repo.name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// MirrorStatus is the sync_status of ns/repo's mirror ("" when there is none).
func (s *Server) MirrorStatus(ns, repo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.state.repo(ns, repo); r != nil && r.mirror != nil {
		return r.mirror.status
	}
	return ""
}

// MirrorPassword is the stored external registry password of ns/repo's
// mirror, which the API never shows, for tests ("" when none).
func (s *Server) MirrorPassword(ns, repo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.state.repo(ns, repo); r != nil && r.mirror != nil && r.mirror.password != nil {
		return *r.mirror.password
	}
	return ""
}

// intValue is the integer a validated "integer" value holds (5.0 is 5).
func intValue(v *jsonValue) int64 {
	if n, err := strconv.ParseInt(v.str, 10, 64); err == nil {
		return n
	}
	f, _ := strconv.ParseFloat(v.str, 64)
	return int64(f)
}

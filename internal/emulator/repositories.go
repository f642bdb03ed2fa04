package emulator

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Repositories (quay-api.md §13; endpoints/api/repository.py,
// data/model/repository.py). A repository lives in its namespace's repos
// map; a delete removes it from there at once, as Quay renames the row to a
// UUID and marks it for deletion in the request, so the name is free for
// the next create and every read treats the old one as missing.

// repository is one live repository with what the registry pushed into it.
type repository struct {
	id          int64 // creation order; the list pages by it
	namespace   string
	name        string
	description *string // nil for repositories created by a push
	public      bool
	state       string               // NORMAL, READ_ONLY, MIRROR
	blobs       map[string][]byte    // by digest: blobs uploaded to this repository
	manifests   map[string]*manifest // by digest
	// tags holds the newest row of each tag name (tags.go): a live tag,
	// or one whose expiration has passed; deadTags the rows a delete, a
	// move or a new row of the same name ended, oldest first.
	tags     map[string]*repoTag
	deadTags []*repoTag

	// What hangs off the repository and goes with it: auto-prune and
	// immutability policies (autoprune.go, immutability.go), notifications
	// and the e-mail addresses authorized for them (notifications.go).
	autoprunePolicies    []*autoprunePolicy
	immutabilityPolicies []*immutabilityPolicy
	notifications        []*notification
	authorizedEmails     []*authorizedEmail

	// mirror is the repository mirror configuration (mirror.go); Quay has
	// no call that removes it, only the repository's delete.
	mirror *repoMirror
}

// manifest is a pushed image manifest.
type manifest struct {
	digest    string
	mediaType string
	body      []byte
	size      int64 // the sum of its layers' sizes, as Quay's manifest_layers_size
}

// Hooks the repository permissions (permissions.go) use. Each runs with
// s.mu held.
var (
	// repositoryCreateHooks run after a repository is created, by the API or
	// by a push, with the creating user ("" when none): Quay then gives the
	// creator an admin permission and applies the organization's default
	// permissions (quay-api.md §13.2, §14.3, §15.2).
	repositoryCreateHooks []func(s *Server, ns, name, creator string)
	// repositoryDeleteHooks run when a repository is deleted (or its
	// namespace is), so that what hangs off it goes with it.
	repositoryDeleteHooks []func(s *Server, ns, name string)
	// repositoryRoleHooks give a user's role on a repository from direct
	// and team permissions ("read", "write", "admin" or ""); the strongest
	// answer counts.
	repositoryRoleHooks []func(s *Server, ns, name, user string) string
)

// newRepoSchema is NewRepo (endpoints/api/repository.py, RepositoryList).
var newRepoSchema = mustSchema(`{"type": "object", "required": ["repository", "visibility", "description"], "properties": {
	"repository": {"type": "string"},
	"visibility": {"type": "string", "enum": ["public", "private"]},
	"namespace": {"type": "string"},
	"description": {"type": "string"},
	"repo_kind": {"type": ["string", "null"], "enum": ["image", null]}}}`)

// repoUpdateSchema is RepoUpdate (Repository.put).
var repoUpdateSchema = mustSchema(`{"type": "object", "required": ["description"], "properties": {
	"description": {"type": "string"}}}`)

// changeVisibilitySchema is ChangeVisibility (RepositoryVisibility.post).
var changeVisibilitySchema = mustSchema(`{"type": "object", "required": ["visibility"], "properties": {
	"visibility": {"type": "string", "enum": ["public", "private"]}}}`)

// changeStateSchema is ChangeRepoState (RepositoryStateResource.put).
var changeStateSchema = mustSchema(`{"type": "object", "required": ["state"], "properties": {
	"state": {"type": "string", "enum": ["NORMAL", "READ_ONLY", "MIRROR"]}}}`)

// repositoryNamePattern is REPOSITORY_NAME_EXTENDED_REGEX (util/names.py),
// which FEATURE_EXTENDED_REPOSITORY_NAMES (on by default) selects. Go's
// regexp has no lookahead, so the 255-character bound is checked apart.
var repositoryNamePattern = regexp.MustCompile(`^[a-z0-9][.a-z0-9_-]*(?:/[a-z0-9][.a-z0-9_-]*)*$`)

func validRepositoryName(name string) bool {
	return len(name) <= 255 && repositoryNamePattern.MatchString(name)
}

func (s *Server) registerRepositoryRoutes(rt *router) {
	rt.handle("POST", "/api/v1/repository", s.createRepository)
	rt.handle("GET", "/api/v1/repository", s.listRepositories)
	rt.handle("GET", "/api/v1/repository/{repository}", s.getRepository)
	rt.handle("PUT", "/api/v1/repository/{repository}", s.updateRepository)
	rt.handle("DELETE", "/api/v1/repository/{repository}", s.deleteRepository)
	rt.handle("POST", "/api/v1/repository/{repository}/changevisibility", s.changeRepositoryVisibility)
	if s.cfg.Features.RepoMirror {
		rt.handle("PUT", "/api/v1/repository/{repository}/changestate", s.changeRepositoryState)
	}
}

// splitRepository reads the {repository} path parameter as Quay's
// parse_namespace_repository does: the first segment is the namespace, a
// single segment names a repository of LIBRARY_NAMESPACE ("library").
func splitRepository(path string) (ns, name string) {
	ns, name, found := strings.Cut(path, "/")
	if !found {
		return "library", path
	}
	return ns, name
}

// repo returns the live repository ns/name, or nil. Callers hold s.mu.
func (st *state) repo(ns, name string) *repository {
	n := st.namespaces[ns]
	if n == nil {
		return nil
	}
	return n.repos[name]
}

// repositoryExists says whether ns/name is a live repository. Callers hold s.mu.
func (s *Server) repositoryExists(ns, name string) bool {
	return s.state.repo(ns, name) != nil
}

var repoRoleRank = map[string]int{"": 0, "read": 1, "write": 2, "admin": 3}

// repoScopeCap is the strongest repository role the caller's token scopes
// allow (auth/permissions.py, SCOPE_MAX_REPO_ROLES).
func repoScopeCap(c caller) string {
	switch {
	case c.scopes["repo:admin"]:
		return "admin"
	case c.scopes["repo:write"]:
		return "write"
	case c.scopes["repo:read"]:
		return "read"
	}
	return ""
}

func minRole(a, b string) string {
	if repoRoleRank[a] < repoRoleRank[b] {
		return a
	}
	return b
}

// namespaceRepoRole is the role the caller holds on every repository of ns
// by its namespace alone: admin of their own user namespace, or admin of an
// organization through an admin team; capped by the token's scopes.
func (s *Server) namespaceRepoRole(c caller, ns string) string {
	if c.user == nil {
		return ""
	}
	n := s.state.namespaces[ns]
	if n == nil {
		return ""
	}
	role := ""
	if !n.isOrg && n.name == c.user.name {
		role = "admin"
	}
	if n.isOrg {
		for _, t := range n.teams {
			if t.role == "admin" && t.hasMember(c.user.name) {
				role = "admin"
			}
		}
	}
	return minRole(role, repoScopeCap(c))
}

// repoRole is the caller's role on ns/name: the namespace-wide role, or a
// direct or team permission (repositoryRoleHooks), capped by scopes.
// A full-access superuser's rights are checked apart, as Quay's
// allow_for_superuser does.
func (s *Server) repoRole(c caller, ns, name string) string {
	role := s.namespaceRepoRole(c, ns)
	if c.user == nil {
		return role
	}
	for _, h := range repositoryRoleHooks {
		if got := minRole(h(s, ns, name, c.user.name), repoScopeCap(c)); repoRoleRank[got] > repoRoleRank[role] {
			role = got
		}
	}
	return role
}

// repoForAccess finds ns/name for a handler that needs role (read, write or
// admin), answering as Quay's require_repo_* decorators and handlers do:
// a caller without the role is refused first (403, 401 when anonymous),
// so a missing repository reads as 404 only to callers whose rights cover
// the namespace. Public repositories are readable by anyone.
func (r *request) repoForAccess(need string) (*repository, bool) {
	s := r.srv
	ns, name := splitRepository(r.param("repository"))
	repo := s.state.repo(ns, name)
	c := r.caller
	allowed := c.fullAccess || repoRoleRank[s.repoRole(c, ns, name)] >= repoRoleRank[need]
	if need == "read" && repo != nil && repo.public {
		allowed = true
	}
	if !allowed {
		r.forbidden()
		return nil, false
	}
	if repo == nil {
		r.notFound()
		return nil, false
	}
	return repo, true
}

// createRepo makes ns/name and runs the create hooks. Callers hold s.mu.
func (s *Server) createRepo(ns *namespace, name string, description *string, public bool, creator string) *repository {
	repo := &repository{
		id: s.state.newID(), namespace: ns.name, name: name, description: description,
		public: public, state: "NORMAL",
		blobs: map[string][]byte{}, manifests: map[string]*manifest{}, tags: map[string]*repoTag{},
	}
	if ns.repos == nil {
		ns.repos = map[string]*repository{}
	}
	ns.repos[name] = repo
	for _, h := range repositoryCreateHooks {
		h(s, ns.name, name, creator)
	}
	return repo
}

// dropRepo deletes a repository and runs the delete hooks. Callers hold s.mu.
func (s *Server) dropRepo(repo *repository) {
	if n := s.state.namespaces[repo.namespace]; n != nil {
		delete(n.repos, repo.name)
	}
	for _, h := range repositoryDeleteHooks {
		h(s, repo.namespace, repo.name)
	}
}

// POST /api/v1/repository (§13.2).
func (s *Server) createRepository(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(newRepoSchema, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nsName, present, _ := getString(body, "namespace")
	if !present {
		if r.caller.user == nil {
			r.forbidden()
			return
		}
		nsName = r.caller.name()
	}
	ns := s.state.namespaces[nsName]
	c := r.caller
	allowed := c.fullAccess
	if ns != nil && c.user != nil {
		if ns.isOrg {
			allowed = allowed || s.canCreateRepo(c, ns)
		} else if ns.name == c.user.name {
			// Every user is the admin of their own namespace, capped as
			// SCOPE_MAX_TEAM_ROLES caps it.
			allowed = allowed || c.scopes["org:admin"] || c.scopes["repo:create"]
		}
	}
	if !allowed {
		r.forbidden()
		return
	}
	if ns == nil {
		// A full-access superuser naming a missing namespace: the
		// namespace lookup is unguarded.
		r.internalError()
		return
	}
	name, _, _ := getString(body, "repository")
	visibility, _, _ := getString(body, "visibility")
	description, _, _ := getString(body, "description")
	if ns.repos[name] != nil {
		r.invalidRequest("Repository already exists")
		return
	}
	if !validRepositoryName(name) {
		r.invalidRequest("Invalid repository name")
		return
	}
	if s.orgMirrored(ns.name) {
		r.invalidRequest("Cannot create repository: organization is managed by organization-level mirroring")
		return
	}
	creator := ""
	if c.user != nil {
		creator = c.user.name
	}
	s.createRepo(ns, name, &description, visibility == "public", creator)
	r.logAction("create_repo", ns.name, map[string]any{"repo": name, "namespace": ns.name})
	r.ok(201, map[string]any{"namespace": ns.name, "name": name, "kind": "image"})
}

// repoListPageSize is how many repositories a page of the list holds.
const repoListPageSize = 100

// GET /api/v1/repository (§13.3).
func (s *Server) listRepositories(r *request) {
	q := r.URL.Query()
	nsFilter := q.Get("namespace")
	public := r.queryBool("public", false)
	starred := r.queryBool("starred", false)
	lastModified := r.queryBool("last_modified", false)
	popularity := r.queryBool("popularity", false)
	if nsFilter == "" && !starred && !public {
		r.invalidRequest("namespace, starred or public are required for this API call")
		return
	}
	if starred && r.caller.user == nil {
		writeHTML(r.w, 400, "<html><body><h1>400 Bad Request</h1></body></html>")
		return
	}
	if kind := q.Get("repo_kind"); kind != "" && kind != "image" {
		r.ok(200, map[string]any{"repositories": []any{}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var visible []*repository
	if !starred { // the emulator keeps no stars: a starred listing is empty
		for _, n := range s.state.namespaces {
			if nsFilter != "" && n.name != nsFilter {
				continue
			}
			for _, repo := range n.repos {
				if r.caller.fullAccess || (public && repo.public) || s.repoRole(r.caller, repo.namespace, repo.name) != "" {
					visible = append(visible, repo)
				}
			}
		}
	}
	sort.Slice(visible, func(i, j int) bool { return visible[i].id < visible[j].id })
	after := decodeRepoPageToken(q.Get("next_page"))
	start := sort.Search(len(visible), func(i int) bool { return visible[i].id > after })
	page := visible[start:]
	more := len(page) > repoListPageSize
	if more {
		page = page[:repoListPageSize]
	}
	items := make([]any, 0, len(page))
	for _, repo := range page {
		item := map[string]any{
			"namespace": repo.namespace, "name": repo.name, "description": repo.descriptionValue(),
			"is_public": repo.public, "kind": "image", "state": repo.state,
		}
		if lastModified {
			item["last_modified"] = repo.lastModified()
		}
		if popularity {
			item["popularity"] = 0.0
		}
		if r.caller.user != nil {
			item["is_starred"] = false
		}
		if s.quotaEnabled() {
			item["quota_report"] = map[string]any{"quota_bytes": repo.sizeBytes(), "configured_quota": nil}
		}
		items = append(items, item)
	}
	out := map[string]any{"repositories": items}
	if more {
		out["next_page"] = encodeRepoPageToken(page[len(page)-1].id)
	}
	r.ok(200, out)
}

// Page tokens are opaque to clients; Quay encrypts them. A token the
// emulator cannot read restarts the listing, as Quay's does.
func encodeRepoPageToken(lastID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("repo:" + strconv.FormatInt(lastID, 10)))
}

func decodeRepoPageToken(tok string) int64 {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(raw), "repo:"), 10, 64)
	if err != nil || !strings.HasPrefix(string(raw), "repo:") {
		return 0
	}
	return n
}

func (repo *repository) descriptionValue() any {
	if repo.description == nil {
		return nil
	}
	return *repo.description
}

// lastModified is the Unix time of the newest live tag's creation, or nil.
func (repo *repository) lastModified() any {
	var newest time.Time
	for _, t := range repo.liveTags(time.Now()) {
		if t.start.After(newest) {
			newest = t.start
		}
	}
	if newest.IsZero() {
		return nil
	}
	return newest.Unix()
}

func (repo *repository) sizeBytes() int64 {
	var n int64
	for _, b := range repo.blobs {
		n += int64(len(b))
	}
	return n
}

// GET /api/v1/repository/{repository} (§13.1).
func (s *Server) getRepository(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, ok := r.repoForAccess("read")
	if !ok {
		return
	}
	c := r.caller
	role := s.repoRole(c, repo.namespace, repo.name)
	n := s.state.namespaces[repo.namespace]
	canAdmin := role == "admin" || c.fullAccess
	canWrite := (repoRoleRank[role] >= repoRoleRank["write"] || c.fullAccess) && repo.state == "NORMAL"
	statusToken := ""
	if !repo.public {
		statusToken = repo.statusToken()
	}
	view := map[string]any{
		"namespace": repo.namespace, "name": repo.name, "kind": "image",
		"description": repo.descriptionValue(), "is_public": repo.public,
		"is_organization": n.isOrg, "is_starred": false, "status_token": statusToken,
		"trust_enabled": false, "tag_expiration_s": n.tagExpirationS, "is_free_account": true,
		"state": repo.state, "can_write": canWrite, "can_admin": canAdmin,
	}
	if r.queryBool("includeTags", true) {
		tags := map[string]any{}
		for i, t := range repo.liveTags(time.Now()) {
			if i == 500 {
				break
			}
			tags[t.name] = repo.repositoryTagView(t)
		}
		view["tags"] = tags
	}
	if r.queryBool("includeStats", false) {
		view["stats"] = []any{}
	}
	r.ok(200, view)
}

// statusToken is the repository's badge token.
func (repo *repository) statusToken() string {
	return "tok" + strconv.FormatInt(repo.id, 36)
}

// repoWrite is the start of a repository write: the caller needs role
// (write or admin, or is a full-access superuser) before the body is
// checked against sch, as Quay's require_repo_* decorators come before
// validate_json_request. repo is nil for a missing repository. Callers
// hold s.mu.
func (r *request) repoWrite(need string, sch *schema) (ns, name string, repo *repository, body map[string]json.RawMessage, ok bool) {
	s := r.srv
	ns, name = splitRepository(r.param("repository"))
	if !r.caller.fullAccess && repoRoleRank[s.repoRole(r.caller, ns, name)] < repoRoleRank[need] {
		r.forbidden()
		return "", "", nil, nil, false
	}
	if sch != nil && !r.decodeValidBody(sch, &body) {
		return "", "", nil, nil, false
	}
	return ns, name, s.state.repo(ns, name), body, true
}

// PUT /api/v1/repository/{repository} (§13.4): the description only.
func (s *Server) updateRepository(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, body, ok := r.repoWrite("write", repoUpdateSchema)
	if !ok {
		return
	}
	if repo == nil {
		r.notFound()
		return
	}
	description, _, _ := getString(body, "description")
	repo.description = &description
	r.logAction("set_repo_description", ns, map[string]any{"repo": name, "namespace": ns, "description": description})
	r.ok(200, map[string]any{"success": true})
}

// POST /api/v1/repository/{repository}/changevisibility (§13.5). A missing
// repository is answered 200 with a null body: the handler returns nothing.
func (s *Server) changeRepositoryVisibility(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, body, ok := r.repoWrite("admin", changeVisibilitySchema)
	if !ok {
		return
	}
	if repo == nil {
		r.ok(200, nil)
		return
	}
	visibility, _, _ := getString(body, "visibility")
	repo.public = visibility == "public"
	r.logAction("change_repo_visibility", ns, map[string]any{"repo": name, "namespace": ns, "visibility": visibility})
	r.ok(200, map[string]any{"success": true})
}

// PUT /api/v1/repository/{repository}/changestate (§13.8), only with
// FEATURE_REPO_MIRROR.
func (s *Server) changeRepositoryState(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, body, ok := r.repoWrite("admin", changeStateSchema)
	if !ok {
		return
	}
	if repo == nil {
		r.notFound()
		return
	}
	if s.orgMirrored(ns) {
		r.bareDetail(400, "Repository state changes are not allowed in an organization managed by organization-level mirroring")
		return
	}
	state, _, _ := getString(body, "state")
	if repo.state != state {
		r.logAction("change_repo_state", ns, map[string]any{"repo": name, "namespace": ns, "state_changed": state})
	}
	repo.state = state
	r.ok(200, map[string]any{"success": true})
}

// DELETE /api/v1/repository/{repository} (§13.7): 204, also for a missing
// repository; the name is free at once.
func (s *Server) deleteRepository(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, _, ok := r.repoWrite("admin", nil)
	if !ok {
		return
	}
	if repo != nil {
		s.dropRepo(repo)
	}
	r.logAction("delete_repo", ns, map[string]any{"repo": name, "namespace": ns})
	r.noContent()
}

// Repositories returns "namespace/name" of every live repository, sorted,
// for test assertions.
func (s *Server) Repositories() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, n := range s.state.namespaces {
		for name := range n.repos {
			out = append(out, n.name+"/"+name)
		}
	}
	sort.Strings(out)
	return out
}

// RepositoryTags returns the live tags of ns/name, sorted, for test assertions.
func (s *Server) RepositoryTags(ns, name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	repo := s.state.repo(ns, name)
	if repo == nil {
		return nil
	}
	var out []string
	for _, t := range repo.liveTags(time.Now()) {
		out = append(out, t.name)
	}
	sort.Strings(out)
	return out
}

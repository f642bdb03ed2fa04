package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Repository builds (quay-api.md §23; Quay's endpoints/api/build.py,
// RepositoryBuildList.post and build_status_view; endpoints/building.py,
// start_build; the superuser build reads SuperUserRepositoryBuildResource,
// SuperUserRepositoryBuildStatus and SuperUserRepositoryBuildLogs in
// endpoints/api/superuser.py, with RepositoryBuild.to_dict in
// superuser_models_interface.py). No build worker runs here, so a build
// stays queued in phase "waiting" with an empty status, as on a Quay with
// FEATURE_BUILD_SUPPORT on and no builders. Quay's API serves these routes
// whatever FEATURE_BUILD_SUPPORT says (only the web routes check it).

// build is one requested repository build.
type build struct {
	uuid        string
	namespace   string
	repo        string
	displayName string
	started     time.Time
	phase       string
	resourceKey *string        // the file_id, when built from an upload
	pullRobot   string         // the robot whose credentials the build pulls with, if any
	jobConfig   map[string]any // as start_build stores it
	logs        []map[string]any
	archived    bool // logs moved to the log archive
}

func init() {
	// Builds go with their repository (Quay purges them with it).
	repositoryDeleteHooks = append(repositoryDeleteHooks, func(s *Server, ns, name string) {
		for id, b := range s.state.builds {
			if b.namespace == ns && b.repo == name {
				delete(s.state.builds, id)
			}
		}
	})
}

// repositoryBuildRequestSchema is RepositoryBuildRequest. docker_tags'
// items, minItems and uniqueItems are not checked here.
var repositoryBuildRequestSchema = mustSchema(`{"type": "object", "properties": {
	"file_id": {"type": "string"},
	"archive_url": {"type": "string"},
	"subdirectory": {"type": "string"},
	"dockerfile_path": {"type": "string"},
	"context": {"type": "string"},
	"pull_robot": {"type": "string"},
	"docker_tags": {"type": "array"}}}`)

func (s *Server) registerBuildRoutes(rt *router) {
	rt.handle("POST", "/api/v1/repository/{repository}/build/", s.requestRepoBuild)
}

func (s *Server) registerSuperuserBuildRoutes(rt *router) {
	rt.handle("GET", "/api/v1/superuser/{build_uuid}/build", s.getBuildSuperuser)
	rt.handle("GET", "/api/v1/superuser/{build_uuid}/status", s.getBuildStatusSuperuser)
	rt.handle("GET", "/api/v1/superuser/{build_uuid}/logs", s.getBuildLogsSuperuser)
}

// POST /api/v1/repository/{repository}/build/: write permission (or a
// full-access superuser), a NORMAL repository, then the body; one of
// file_id or archive_url (an http or https URL). The emulator has no file
// drop, so every file_id is unknown.
func (s *Server) requestRepoBuild(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, _, ok := r.repoWrite("write", nil)
	if !ok {
		return
	}
	if r.nonNormalRepository(repo) {
		return
	}
	body, ok := r.decodeBuildBody()
	if !ok {
		return
	}
	fileID, _ := body["file_id"].(string)
	archiveURL, _ := body["archive_url"].(string)
	if fileID == "" && archiveURL == "" {
		r.invalidRequest("file_id or archive_url required")
		return
	}
	if archiveURL != "" {
		u, err := url.Parse(archiveURL)
		if err != nil {
			r.invalidRequest("Invalid Archive URL: Must be a valid URI")
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			r.invalidRequest("Invalid Archive URL: Must be http or https")
			return
		}
	}
	context, subdir := dockerfileContext(body)
	tags := []any{"latest"}
	if t, ok := body["docker_tags"].([]any); ok {
		tags = t
	}
	// A pull robot must exist, and the caller must administer its namespace.
	pullRobot, _ := body["pull_robot"].(string)
	if pullRobot != "" {
		rb := s.state.robot(pullRobot)
		switch {
		case !isRobotName(pullRobot):
			r.forbidden()
			return
		case rb == nil:
			r.notFound()
			return
		case !s.orgAdminOf(r.caller, rb.namespace):
			r.forbidden()
			return
		}
	}
	if repo == nil {
		r.notFound()
		return
	}
	if fileID != "" {
		r.invalidRequest("File " + fileID + " could not be found or is invalid")
		return
	}
	sum := sha256.Sum224([]byte(archiveURL))
	manualUser := any(nil)
	if r.caller.user != nil {
		manualUser = r.caller.user.name
	}
	b := &build{
		uuid: randomUUID(), namespace: ns, repo: name,
		displayName: hex.EncodeToString(sum[:])[:7],
		started:     time.Now().UTC(),
		phase:       "waiting",
		pullRobot:   pullRobot,
		jobConfig: map[string]any{
			"docker_tags": tags, "registry": r.Host, "build_subdir": subdir, "context": context,
			"trigger_metadata": map[string]any{}, "is_manual": true, "manual_user": manualUser,
			"archive_url": archiveURL,
		},
	}
	if s.state.builds == nil {
		s.state.builds = map[string]*build{}
	}
	s.state.builds[b.uuid] = b
	r.logAction("build_dockerfile", ns, map[string]any{
		"build_id": b.uuid, "docker_tags": tags, "repo": name, "namespace": ns,
		"is_manual": true, "manual_user": manualUser,
	})
	r.w.Header().Set("Location", s.baseURLFor(r.Request)+"/api/v1/repository/"+ns+"/"+name+"/build/"+b.uuid+"/status")
	r.ok(201, s.buildView(r.caller, b))
}

// decodeBuildBody checks the body against RepositoryBuildRequest.
func (r *request) decodeBuildBody() (map[string]any, bool) {
	var raw map[string]json.RawMessage
	if !r.decodeValidBody(repositoryBuildRequestSchema, &raw) {
		return nil, false
	}
	out := map[string]any{}
	for k, v := range raw {
		var x any
		_ = json.Unmarshal(v, &x)
		out[k] = x
	}
	return out, true
}

// dockerfileContext is get_dockerfile_context: the build context and the
// Dockerfile path from context, dockerfile_path or subdirectory.
func dockerfileContext(body map[string]any) (context, subdir string) {
	context = "/"
	if c, ok := body["context"].(string); ok {
		context = c
	}
	if p, ok := body["dockerfile_path"].(string); ok {
		if _, given := body["context"]; !given {
			context = pyDirname(p)
		}
		return context, p
	}
	if sd, ok := body["subdirectory"].(string); ok {
		context = sd
		if !strings.HasSuffix(sd, "/") {
			sd += "/"
		}
		return context, sd + "Dockerfile"
	}
	if strings.HasSuffix(context, "/") {
		return context, context + "Dockerfile"
	}
	return context, context + "/Dockerfile"
}

// pyDirname is Python's os.path.dirname: everything before the last
// slash, with trailing slashes stripped unless it is all slashes.
func pyDirname(p string) string {
	i := strings.LastIndex(p, "/") + 1
	head := p[:i]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

// buildView is build_status_view (and RepositoryBuild.to_dict, the same
// keys): what the caller may see of b. is_writer, archive_url and
// trigger_metadata follow the caller's own permissions on the repository;
// a superuser's rights do not count.
func (s *Server) buildView(c caller, b *build) map[string]any {
	role := s.repoRole(c, b.namespace, b.repo)
	canRead := repoRoleRank[role] >= repoRoleRank["read"]
	canWrite := repoRoleRank[role] >= repoRoleRank["write"]
	jc := b.jobConfig
	var triggerMetadata any
	if canRead {
		triggerMetadata = jc["trigger_metadata"]
	}
	var resourceKey any
	if b.resourceKey != nil {
		resourceKey = *b.resourceKey
	}
	v := map[string]any{
		"id":               b.uuid,
		"phase":            b.phase,
		"started":          rfc2822(b.started),
		"display_name":     b.displayName,
		"status":           map[string]any{},
		"subdirectory":     jc["build_subdir"],
		"dockerfile_path":  jc["build_subdir"],
		"context":          jc["context"],
		"tags":             jc["docker_tags"],
		"manual_user":      jc["manual_user"],
		"is_writer":        canWrite,
		"trigger":          nil,
		"trigger_metadata": triggerMetadata,
		"resource_key":     resourceKey,
		"pull_robot":       nil,
		"repository":       map[string]any{"namespace": b.namespace, "name": b.repo},
		"error":            nil,
	}
	if b.pullRobot != "" { // build.py's user_view
		v["pull_robot"] = map[string]any{"name": b.pullRobot, "kind": "user", "is_robot": true}
	}
	if au, _ := jc["archive_url"].(string); canWrite && au != "" {
		v["archive_url"] = au
	}
	return v
}

// superuserBuild finds the build of the path for a superuser build read,
// answering a missing one with missing. Callers hold s.mu.
func (r *request) superuserBuild(missing func()) (*build, bool) {
	if !r.requireSuperuser() {
		return nil, false
	}
	b := r.srv.state.builds[r.param("build_uuid")]
	if b == nil {
		missing()
		return nil, false
	}
	return b, true
}

// invalidBuild is the 400 InvalidResponse of /status and /logs for a
// build that does not exist.
func (r *request) invalidBuild() {
	r.problem(400, "invalid_response", "Unable to locate a build by id: "+r.param("build_uuid"))
}

// GET /api/v1/superuser/{build_uuid}/build: 404 for a missing build.
func (s *Server) getBuildSuperuser(r *request) { s.superuserBuildView(r, r.notFound) }

// GET /api/v1/superuser/{build_uuid}/status: the same view; a missing
// build is a 400.
func (s *Server) getBuildStatusSuperuser(r *request) { s.superuserBuildView(r, r.invalidBuild) }

func (s *Server) superuserBuildView(r *request, missing func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := r.superuserBuild(missing); ok {
		r.ok(200, s.buildView(r.caller, b))
	}
}

// GET /api/v1/superuser/{build_uuid}/logs (get_logs_or_log_url): the log
// entries from start (an integer; anything else fails as int() does in
// Quay), or the archive's URL once the logs are archived.
func (s *Server) getBuildLogsSuperuser(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := r.superuserBuild(r.invalidBuild)
	if !ok {
		return
	}
	if b.archived {
		r.ok(200, map[string]any{"logs_url": s.baseURLFor(r.Request) + "/logarchive/" + b.uuid})
		return
	}
	start := 0
	if raw := r.URL.Query().Get("start"); raw != "" {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			r.internalError()
			return
		}
		start = n
	}
	logs := []any{}
	if start >= 0 && start < len(b.logs) {
		for _, e := range b.logs[start:] {
			logs = append(logs, e)
		}
	}
	r.ok(200, map[string]any{"start": start, "total": len(b.logs), "logs": logs})
}

// AddBuildLog appends entries (Quay's {"message", "type", "data"} log
// lines) to a build's log, as a build worker would, for tests.
func (s *Server) AddBuildLog(uuid string, entries ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.state.builds[uuid]; b != nil {
		b.logs = append(b.logs, entries...)
	}
}

// ArchiveBuildLogs marks a build's logs archived, for tests.
func (s *Server) ArchiveBuildLogs(uuid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.state.builds[uuid]; b != nil {
		b.archived = true
	}
}

// Builds lists the UUIDs of the builds of ns/name, for tests.
func (s *Server) Builds(ns, name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, b := range s.state.builds {
		if b.namespace == ns && b.repo == name {
			out = append(out, id)
		}
	}
	return out
}

package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The registry API (Docker Registry HTTP API V2 as Quay serves it in
// endpoints/v2/): just enough for a test to push a small image the way a
// container tool does, so repositories can hold tags. Token auth follows
// endpoints/v2/v2auth.py; the token is opaque here (Quay signs a JWT,
// which clients pass through unread).

// registryState holds pending blob uploads and issued registry tokens.
type registryState struct {
	uploads map[string]*blobUpload    // by upload id; made on first use
	tokens  map[string]*registryGrant // by token; made on first use
}

type blobUpload struct {
	repo string // namespace/name
	data bytes.Buffer
}

// registryGrant is what a registry token allows: actions per "ns/name".
type registryGrant struct {
	user   string
	access map[string]map[string]bool
}

const (
	mediaTypeOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
)

// registryScope is SCOPE_REGEX_TEMPLATE without the optional hostname.
var registryScope = regexp.MustCompile(`^repository:((?:[.a-zA-Z0-9_-]+/)*[.a-zA-Z0-9_-]+):((?:push|pull|\*)(?:,(?:push|pull|\*))*)$`)

// tagPattern is FULL_TAG_PATTERN (util/names.py).
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func (s *Server) registerRegistryRoutes(rt *router) {
	rt.handleWeb("GET", "/v2/", s.registryBase)
	rt.handleWeb("GET", "/v2/auth", s.registryAuth)
	rt.handleWeb("POST", "/v2/{repository}/blobs/uploads/", s.startBlobUpload)
	rt.handleWeb("PATCH", "/v2/{repository}/blobs/uploads/{upload}", s.patchBlobUpload)
	rt.handleWeb("PUT", "/v2/{repository}/blobs/uploads/{upload}", s.finishBlobUpload)
	rt.handleWeb("GET", "/v2/{repository}/blobs/{digest}", s.getBlob)
	rt.handleWeb("PUT", "/v2/{repository}/manifests/{reference}", s.putManifest)
	rt.handleWeb("GET", "/v2/{repository}/manifests/{reference}", s.getManifest)
	rt.handleWeb("GET", "/v2/{repository}/tags/list", s.listRegistryTags)
}

// registryError writes the registry's error body.
func registryError(w http.ResponseWriter, status int, code, message string, detail any) {
	if detail == nil {
		detail = map[string]any{}
	}
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"code": code, "message": message, "detail": detail}}})
}

// registryUnauthorized is the 401 that sends a client to the token endpoint.
func (r *request) registryUnauthorized(scope string) {
	host := r.Host
	challenge := `Bearer realm="` + r.srv.baseURLFor(r.Request) + `/v2/auth",service="` + host + `"`
	if scope != "" {
		challenge += `,scope="` + scope + `"`
	}
	r.w.Header().Set("WWW-Authenticate", challenge)
	registryError(r.w, http.StatusUnauthorized, "UNAUTHORIZED", "access to the requested resource is not authorized", nil)
}

// registryGrantFor returns the grant of the request's bearer token.
func (s *Server) registryGrantFor(r *request) *registryGrant {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found {
		return nil
	}
	return s.state.registry.tokens[strings.TrimSpace(tok)]
}

// registryAllowed checks the token for action on the request's repository,
// answering 401 when it does not carry it. Callers hold s.mu.
func (r *request) registryAllowed(action string) bool {
	repo := r.param("repository")
	g := r.srv.registryGrantFor(r)
	if g == nil || !g.access[repo][action] {
		r.registryUnauthorized("repository:" + repo + ":" + action)
		return false
	}
	return true
}

// registryRepo checks the token for action and looks up the request's
// repository (nil when missing). Callers hold s.mu.
func (r *request) registryRepo(action string) (ns, name string, repo *repository, ok bool) {
	if !r.registryAllowed(action) {
		return "", "", nil, false
	}
	ns, name = splitRepository(r.param("repository"))
	return ns, name, r.srv.state.repo(ns, name), true
}

// GET /v2/: 200 to a valid token, else the challenge.
func (s *Server) registryBase(r *request) {
	s.mu.Lock()
	g := s.registryGrantFor(r)
	s.mu.Unlock()
	if g == nil {
		r.registryUnauthorized("")
		return
	}
	r.w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	writeJSON(r.w, 200, map[string]any{})
}

// invalidLogin is Quay's message for user credentials that fail.
const invalidLogin = "Invalid Username or Password"

// registryUser authenticates basic credentials as Quay's process_basic_auth
// does (auth/credentials.py, validate_credentials): "$oauthtoken" with an
// OAuth token as the password, a robot's full name with its token, or a
// username with its password. A robot comes back as a stand-in account
// named like the robot, which no namespace owns, so the permission checks
// treat it as Quay does a robot: no rights but its own grants and teams.
// ok is false for credentials that were sent but are invalid, with Quay's
// reason in errMsg. Callers hold s.mu.
func (s *Server) registryUser(r *http.Request) (user *namespace, sent, ok bool, errMsg string) {
	username, password, has := r.BasicAuth()
	if !has {
		return nil, r.Header.Get("Authorization") != "", r.Header.Get("Authorization") == "", invalidLogin
	}
	if username == "$oauthtoken" {
		t := s.state.tokens[password]
		if t == nil {
			return nil, true, false, invalidLogin
		}
		u := s.state.user(t.user)
		if u == nil || !u.enabled {
			return nil, true, false, invalidLogin
		}
		return u, true, true, ""
	}
	if isRobotName(username) {
		rb, msg := s.robotLogin(username, password)
		if rb == nil {
			return nil, true, false, msg
		}
		return &namespace{name: rb.fullName(), enabled: true}, true, true, ""
	}
	u := s.state.user(username)
	if u == nil || !u.enabled || u.password == "" || u.password != password {
		return nil, true, false, invalidLogin
	}
	return u, true, true, ""
}

// GET /v2/auth?service=...&scope=repository:ns/name:push,pull.
func (s *Server) registryAuth(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, sent, ok, errMsg := s.registryUser(r.Request)
	if sent && !ok {
		registryError(r.w, 401, "UNAUTHORIZED", errMsg, nil)
		return
	}
	scopes := r.URL.Query()["scope"]
	if user == nil && len(scopes) == 0 {
		r.registryUnauthorized("")
		return
	}
	// A user or robot logging in acts with every scope, as a session does
	// (DIRECT_LOGIN); an OAuth token keeps its own.
	c := caller{user: user, scopes: map[string]bool{"repo:admin": true, "repo:create": true, "repo:read": true, "repo:write": true, "org:admin": true}}
	if user != nil {
		if _, password, _ := r.BasicAuth(); s.state.tokens[password] != nil {
			c.scopes = s.state.tokens[password].scopes
		}
		c.superuser = user.superuser && s.cfg.Features.SuperUsers && c.scopes["super:user"]
		c.fullAccess = c.superuser && s.cfg.Features.SuperusersFullAccess
	}
	grant := &registryGrant{access: map[string]map[string]bool{}}
	if user != nil {
		grant.user = user.name
	}
	for _, sc := range scopes {
		m := registryScope.FindStringSubmatch(sc)
		if m == nil {
			registryError(r.w, 400, "INVALID_REQUEST", "Unable to decode repository and actions: "+sc, nil)
			return
		}
		path, actions := m[1], strings.Split(m[2], ",")
		ns, name := splitRepository(path)
		if !validRepositoryName(name) {
			registryError(r.w, 400, "NAME_INVALID", "Invalid repository name: "+path, nil)
			return
		}
		granted := map[string]bool{}
		grant.access[ns+"/"+name] = granted
		n := s.state.namespaces[ns]
		if n == nil {
			continue // CREATE_NAMESPACE_ON_PUSH is off by default: no actions
		}
		repo := n.repos[name]
		want := map[string]bool{}
		for _, a := range actions {
			if a == "*" {
				want["push"], want["pull"] = true, true
			}
			want[a] = true
		}
		if want["push"] && user != nil {
			role := s.repoRole(c, ns, name)
			switch {
			case repo != nil:
				// In state MIRROR only the mirror's robot may push
				// (mirror.go); never in READ_ONLY.
				mirrorRobot := repo.state == "MIRROR" && repo.mirror != nil && repo.mirror.robot == user.name
				granted["push"] = (repoRoleRank[role] >= repoRoleRank["write"] || c.fullAccess) && (repo.state == "NORMAL" || mirrorRobot)
			case s.orgMirrored(n.name):
				// Repositories of an org-mirrored organization are made
				// by the mirror only: no push creates one.
			case (n.isOrg && s.canCreateRepo(c, n)) || (!n.isOrg && n.name == user.name):
				// A push to a missing repository creates it (private, as
				// CREATE_PRIVATE_REPO_ON_PUSH defaults) when the user may
				// create repositories in the namespace.
				repo = s.createRepo(n, name, nil, false, user.name)
				r.logAction("create_repo", ns, map[string]any{"repo": name, "namespace": ns})
				granted["push"] = true
			}
		}
		if want["pull"] && repo != nil && (repo.public || c.fullAccess || s.repoRole(c, ns, name) != "") {
			granted["pull"] = true
		}
	}
	if s.state.registry.tokens == nil {
		s.state.registry.tokens = map[string]*registryGrant{}
	}
	tok := randomUpper(48)
	s.state.registry.tokens[tok] = grant
	writeJSON(r.w, 200, map[string]any{"token": tok})
}

// POST /v2/{repository}/blobs/uploads/: with ?digest= and the blob as the
// body it is a monolithic upload; without, it opens an upload session.
func (s *Server) startBlobUpload(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !r.registryAllowed("push") {
		return
	}
	path := r.param("repository")
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	if digest := r.URL.Query().Get("digest"); digest != "" {
		s.storeBlob(r, path, digest, buf.Bytes())
		return
	}
	if s.state.registry.uploads == nil {
		s.state.registry.uploads = map[string]*blobUpload{}
	}
	id := randomUUID()
	up := &blobUpload{repo: path}
	up.data.Write(buf.Bytes())
	s.state.registry.uploads[id] = up
	r.w.Header().Set("Location", "/v2/"+path+"/blobs/uploads/"+id)
	r.w.Header().Set("Docker-Upload-UUID", id)
	r.w.Header().Set("Range", "0-0")
	r.w.Header().Set("Content-Length", "0")
	r.w.WriteHeader(http.StatusAccepted)
}

// uploadFor checks the token for push and finds the request's upload,
// with the request's body appended to it. Callers hold s.mu.
func (s *Server) uploadFor(r *request) *blobUpload {
	if !r.registryAllowed("push") {
		return nil
	}
	up := s.state.registry.uploads[r.param("upload")]
	if up == nil || up.repo != r.param("repository") {
		registryError(r.w, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", nil)
		return nil
	}
	_, _ = up.data.ReadFrom(r.Body)
	return up
}

// PATCH /v2/{repository}/blobs/uploads/{upload}: a chunk.
func (s *Server) patchBlobUpload(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	up := s.uploadFor(r)
	if up == nil {
		return
	}
	r.w.Header().Set("Location", "/v2/"+up.repo+"/blobs/uploads/"+r.param("upload"))
	r.w.Header().Set("Range", "0-"+itoa(max(0, up.data.Len()-1)))
	r.w.Header().Set("Docker-Upload-UUID", r.param("upload"))
	r.w.WriteHeader(http.StatusAccepted)
}

// PUT /v2/{repository}/blobs/uploads/{upload}?digest=: the last chunk.
func (s *Server) finishBlobUpload(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	up := s.uploadFor(r)
	if up == nil {
		return
	}
	digest := r.URL.Query().Get("digest")
	if digest == "" {
		registryError(r.w, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", nil)
		return
	}
	delete(s.state.registry.uploads, r.param("upload"))
	s.storeBlob(r, up.repo, digest, up.data.Bytes())
}

func sha256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// storeBlob checks the digest and links the blob to the repository.
func (s *Server) storeBlob(r *request, path, digest string, data []byte) {
	if sha256Digest(data) != digest {
		registryError(r.w, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", nil)
		return
	}
	ns, name := splitRepository(path)
	repo := s.state.repo(ns, name)
	if repo == nil {
		registryError(r.w, 404, "NAME_UNKNOWN", "repository name not known to registry", nil)
		return
	}
	repo.blobs[digest] = append([]byte(nil), data...)
	r.w.Header().Set("Location", "/v2/"+path+"/blobs/"+digest)
	r.w.Header().Set("Docker-Content-Digest", digest)
	r.w.Header().Set("Content-Length", "0")
	r.w.WriteHeader(http.StatusCreated)
}

// GET and HEAD /v2/{repository}/blobs/{digest}.
func (s *Server) getBlob(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, repo, ok := r.registryRepo("pull")
	if !ok {
		return
	}
	digest := r.param("digest")
	var data []byte
	found := false
	if repo != nil {
		data, found = repo.blobs[digest]
	}
	if !found {
		registryError(r.w, 404, "BLOB_UNKNOWN", "blob unknown to registry", nil)
		return
	}
	r.w.Header().Set("Docker-Content-Digest", digest)
	r.w.Header().Set("Content-Length", itoa(len(data)))
	r.w.Header().Set("Content-Type", "application/octet-stream")
	r.w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = r.w.Write(data)
	}
}

// PUT /v2/{repository}/manifests/{reference}: an OCI image manifest or a
// Docker schema 2 manifest, by tag; every blob it names must be in the
// repository.
func (s *Server) putManifest(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, ok := r.registryRepo("push")
	if !ok {
		return
	}
	if repo == nil {
		registryError(r.w, 404, "NAME_UNKNOWN", "repository name not known to registry", nil)
		return
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	mediaType := r.Header.Get("Content-Type")
	var parsed struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Config        struct {
			Digest string `json:"digest"`
		} `json:"config"`
		Layers []struct {
			Digest string `json:"digest"`
			Size   int64  `json:"size"`
		} `json:"layers"`
	}
	if (mediaType != mediaTypeOCIManifest && mediaType != mediaTypeDockerManifest) ||
		json.Unmarshal(body.Bytes(), &parsed) != nil || parsed.SchemaVersion != 2 || parsed.Config.Digest == "" {
		registryError(r.w, 400, "MANIFEST_INVALID", "manifest invalid", nil)
		return
	}
	ref := r.param("reference")
	digest := sha256Digest(body.Bytes())
	isDigest := strings.HasPrefix(ref, "sha256:")
	if isDigest && ref != digest {
		registryError(r.w, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", nil)
		return
	}
	if !isDigest && !tagPattern.MatchString(ref) {
		registryError(r.w, 400, "TAG_INVALID", "manifest tag did not match URI", nil)
		return
	}
	var size int64
	for _, d := range append([]string{parsed.Config.Digest}, layerDigests(parsed.Layers)...) {
		if _, ok := repo.blobs[d]; !ok {
			registryError(r.w, 400, "MANIFEST_BLOB_UNKNOWN", "manifest blob unknown to registry", map[string]any{"digest": d})
			return
		}
	}
	for _, l := range parsed.Layers {
		size += int64(len(repo.blobs[l.Digest]))
	}
	repo.manifests[digest] = &manifest{digest: digest, mediaType: mediaType, body: body.Bytes(), size: size}
	if !isDigest {
		// The manifest is stored before the tag is moved, so a refused
		// tag leaves it behind, as Quay's create_manifest_and_retarget_tag
		// does (endpoints/v2/manifest.py, _write_manifest).
		if refused := s.retargetTag(repo, ref, digest, nowMillis()); refused != nil {
			registryError(r.w, http.StatusConflict, "TAG_IMMUTABLE", "tag is immutable and cannot be overwritten",
				map[string]any{"message": "tag '" + ref + "' is immutable"})
			return
		}
		r.logAction("push_repo", ns, map[string]any{"repo": name, "namespace": ns, "tag": ref})
	}
	r.w.Header().Set("Location", "/v2/"+r.param("repository")+"/manifests/"+digest)
	r.w.Header().Set("Docker-Content-Digest", digest)
	r.w.Header().Set("Content-Length", "0")
	r.w.WriteHeader(http.StatusCreated)
}

func layerDigests(layers []struct {
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
}) []string {
	out := make([]string, 0, len(layers))
	for _, l := range layers {
		out = append(out, l.Digest)
	}
	return out
}

// GET and HEAD /v2/{repository}/manifests/{reference}.
func (s *Server) getManifest(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, repo, ok := r.registryRepo("pull")
	if !ok {
		return
	}
	var m *manifest
	if repo != nil {
		ref := r.param("reference")
		if t := repo.liveTag(ref, time.Now()); t != nil {
			ref = t.manifest
		}
		m = repo.manifests[ref]
	}
	if m == nil {
		registryError(r.w, 404, "MANIFEST_UNKNOWN", "manifest unknown", nil)
		return
	}
	r.w.Header().Set("Docker-Content-Digest", m.digest)
	r.w.Header().Set("Content-Type", m.mediaType)
	r.w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = r.w.Write(m.body)
	}
}

// GET /v2/{repository}/tags/list.
func (s *Server) listRegistryTags(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, ok := r.registryRepo("pull")
	if !ok {
		return
	}
	if repo == nil {
		registryError(r.w, 404, "NAME_UNKNOWN", "repository name not known to registry", nil)
		return
	}
	tags := make([]string, 0, len(repo.tags))
	for _, t := range repo.liveTags(time.Now()) {
		tags = append(tags, t.name)
	}
	sort.Strings(tags)
	writeJSON(r.w, 200, map[string]any{"name": ns + "/" + name, "tags": tags})
}

// SetPassword sets a user's password directly, for tests that log in to
// the registry with one.
func (s *Server) SetPassword(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.state.user(user); u != nil {
		u.password = password
	}
}

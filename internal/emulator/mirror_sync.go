package emulator

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The repository mirror worker (workers/repomirrorworker, data/model/
// repo_mirror.py): where Quay runs skopeo, the emulator pulls the tags
// over the registry API (Docker Registry HTTP API V2, with the token
// challenge registry.go serves) from the external registry and writes
// them into the mirrored repository, as the mirror's robot would push
// them. RunMirrorSync runs a sync at once; a sync-now runs one after
// Config.MirrorSyncDelay. Scheduled syncs (sync_start_date passing) are
// not emulated.

// DefaultMirrorSyncDelay is how long after a sync-now the emulated worker
// picks the mirror up when Config.MirrorSyncDelay is zero. Quay's worker
// polls every 30 seconds (REPO_MIRROR_INTERVAL); a test should not wait
// that long.
const DefaultMirrorSyncDelay = time.Second

// Media types a mirror copies.
const (
	mediaTypeOCIIndex           = "application/vnd.oci.image.index.v1+json"
	mediaTypeDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
)

// scheduleMirrorWorker lets the emulated worker pick up a sync-now of
// ns/name after MirrorSyncDelay. Callers hold s.mu.
func (s *Server) scheduleMirrorWorker(ns, name string, m *repoMirror) {
	if s.cfg.MirrorSyncDelay < 0 {
		return
	}
	time.AfterFunc(s.cfg.MirrorSyncDelay, func() { _ = s.runMirror(ns, name, m, false) })
}

// RunMirrorSync runs a sync of ns/repo's mirror now, as Quay's worker
// does once it has claimed the mirror, whatever its schedule, state or
// is_enabled: the tags matching the root rule are copied from the
// external registry, live tags the rule no longer matches are deleted,
// and the mirror's status, retries and sync_start_date are updated (a
// success moves sync_start_date forward to the next multiple of
// sync_interval). It returns an error when there is no mirror, when a
// sync is running, or when this sync failed or was canceled; the status
// tells which.
func (s *Server) RunMirrorSync(ns, repo string) error {
	return s.runMirror(ns, repo, nil, true)
}

// mirrorSnapshot is what a sync reads of the configuration it claimed.
type mirrorSnapshot struct {
	reference  string
	username   *string
	password   *string
	insecure   bool              // external_registry_config.verify_tls is false
	proxy      map[string]string // external_registry_config.proxy's string values
	rules      []string
	archFilter []string
	timeout    time.Duration
}

// runMirror claims ns/name's mirror and syncs it. The worker (explicit
// false) only picks the configuration want, if it still waits in SYNC_NOW
// and its repository is in state MIRROR.
func (s *Server) runMirror(ns, name string, want *repoMirror, explicit bool) error {
	s.mu.Lock()
	repo := s.state.repo(ns, name)
	if repo == nil || repo.mirror == nil {
		s.mu.Unlock()
		if explicit {
			return fmt.Errorf("emulator: %s/%s has no mirror configuration", ns, name)
		}
		return nil
	}
	m := repo.mirror
	if !explicit && (m != want || m.status != "SYNC_NOW" || m.syncExpiration != nil || repo.state != "MIRROR") {
		s.mu.Unlock()
		return nil
	}
	if m.status == "SYNCING" {
		s.mu.Unlock()
		return fmt.Errorf("emulator: the mirror of %s/%s is already syncing", ns, name)
	}
	exp := time.Now().UTC().Add(mirrorMaxSync).Truncate(time.Microsecond)
	m.status, m.syncExpiration = "SYNCING", &exp
	snap := mirrorSnapshot{
		reference: m.reference, username: m.username, password: m.password, proxy: map[string]string{},
		rules: append([]string{}, m.rules...), archFilter: append([]string{}, m.archFilter...),
		timeout: time.Duration(m.skopeoTimeout) * time.Second,
	}
	if v, ok := m.registryConfig["verify_tls"].(bool); ok && !v {
		snap.insecure = true
	}
	if p, ok := m.registryConfig["proxy"].(map[string]any); ok {
		for k, v := range p {
			if s, ok := v.(string); ok {
				snap.proxy[k] = s
			}
		}
	}
	pattern := strings.Join(snap.rules, ",")
	if msg, _ := checkRegistryReference(snap.reference, s.cfg.SSRFAllowedHosts, true); msg != "" {
		s.mirrorLog(repo, "repo_mirror_sync_failed", "end", "Source registry location is not allowed", nil, "", "Not applicable", "Not applicable")
		err := s.releaseMirror(m, "FAIL")
		s.mu.Unlock()
		return errors.Join(fmt.Errorf("emulator: %s is not allowed: %s", snap.reference, msg), err)
	}
	s.mirrorLog(repo, "repo_mirror_sync_started", "start", fmt.Sprintf("'%s' with tag pattern '%s'", snap.reference, pattern), nil, nil, nil, nil)
	s.mu.Unlock()

	client := newMirrorClient(snap)
	all, err := client.listTags()
	if err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		if repo.mirror == m {
			s.mirrorLog(repo, "repo_mirror_sync_failed", "end",
				fmt.Sprintf("'%s' with tag pattern '%s': skopeo list-tags failed: See output", snap.reference, pattern), nil, "", "", err.Error())
			err = errors.Join(err, s.releaseMirror(m, "FAIL"))
		}
		return err
	}
	tags := matchingTags(all, snap.rules)
	if len(tags) == 0 {
		s.mu.Lock()
		defer s.mu.Unlock()
		if repo.mirror != m {
			return fmt.Errorf("emulator: the mirror of %s/%s was removed during the sync", ns, name)
		}
		s.mirrorLog(repo, "repo_mirror_sync_success", "end", fmt.Sprintf("'%s' with tag pattern '%s'", snap.reference, pattern), nil, "No tags matched", nil, nil)
		return s.releaseMirror(m, "SUCCESS")
	}

	overall := "SUCCESS"
	var failed []string
	var firstErr error
	for _, tag := range tags {
		img, fetchErr := client.fetchImage(tag, snap.archFilter)
		s.mu.Lock()
		if repo.mirror != m || s.state.repo(ns, name) != repo {
			s.mu.Unlock()
			return fmt.Errorf("emulator: the mirror of %s/%s was removed during the sync", ns, name)
		}
		if fetchErr == nil {
			fetchErr = s.writeMirrorTag(repo, m, tag, img)
		}
		if m.status == "CANCEL" {
			overall = "CANCEL"
			s.mu.Unlock()
			break
		}
		src := "docker://" + snap.reference + ":" + tag
		if fetchErr != nil {
			overall = "FAIL"
			failed = append(failed, tag)
			if firstErr == nil {
				firstErr = fmt.Errorf("emulator: %s: %w", src, fetchErr)
			}
			s.mirrorLog(repo, "repo_mirror_sync_tag_failed", "finish", "Source '"+src+"' failed to sync", tag, nil, "", fetchErr.Error())
		} else {
			s.mirrorLog(repo, "repo_mirror_sync_tag_success", "finish", "Source '"+src+"' successful sync", tag, nil, "", "")
		}
		s.mu.Unlock()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if repo.mirror != m {
		return fmt.Errorf("emulator: the mirror of %s/%s was removed during the sync", ns, name)
	}
	s.deleteObsoleteTags(repo, tags)
	message := fmt.Sprintf("'%s' with tag pattern '%s'", snap.reference, pattern)
	switch overall {
	case "FAIL":
		var marked []string
		if len(failed) != len(tags) {
			message += ": PARTIAL SYNC"
			isFailed := map[string]bool{}
			for _, t := range failed {
				isFailed[t] = true
			}
			for _, t := range tags {
				if isFailed[t] {
					t += "(FAILED)"
				}
				marked = append(marked, t)
			}
		}
		s.mirrorLog(repo, "repo_mirror_sync_failed", "lost", message, nil, strings.Join(marked, ", "), "Not applicable", "Not applicable")
	case "CANCEL":
		s.mirrorLog(repo, "repo_mirror_sync_failed", "Cancelled", message, nil, strings.Join(tags, ", "), nil, nil) //nolint:misspell // Quay's log text
		firstErr = fmt.Errorf("emulator: the sync of %s/%s was canceled", ns, name)
	default:
		s.mirrorLog(repo, "repo_mirror_sync_success", "end", message, nil, strings.Join(tags, ", "), nil, nil)
	}
	return errors.Join(firstErr, s.releaseMirror(m, overall))
}

// releaseMirror is release_mirror: a success, or a failure that used up
// the retries, moves sync_start_date to the next multiple of sync_interval
// after it and resets the retries; another failure keeps the date and
// counts down; a cancel clears the date and the retries. As in Quay, a
// mirror whose date cannot be moved (sync_interval 0, or no date after a
// cancel) stays SYNCING until its expiration. Callers hold s.mu.
func (s *Server) releaseMirror(m *repoMirror, status string) error {
	retries := m.retries
	if status == "FAIL" {
		retries = max(0, retries-1)
	}
	next := m.syncStart
	// Quay tests "SUCCESS or (FAIL and retries < 1)" with the enum member
	// itself, which is always true: any status with no retries left counts.
	if status == "SUCCESS" || retries < 1 {
		if m.syncInterval == 0 || m.syncStart == nil {
			return errors.New("emulator: the mirror worker cannot reschedule this mirror (sync_interval 0 or no sync_start_date); it stays SYNCING")
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		delta := int64(math.Floor(now.Sub(*m.syncStart).Seconds()))
		mod := ((delta % m.syncInterval) + m.syncInterval) % m.syncInterval
		t := now.Add(time.Duration(m.syncInterval-mod) * time.Second)
		next, retries = &t, mirrorMaxRetries
	}
	if status == "CANCEL" {
		next, retries = nil, 0
	}
	m.status, m.syncStart, m.syncExpiration, m.retries = status, next, nil, retries
	return nil
}

// mirrorLog records a worker log entry (emit_log): no performer.
// Callers hold s.mu.
func (s *Server) mirrorLog(repo *repository, kind, verb, message string, tag, tags, stdout, stderr any) {
	s.workerLog(kind, repo.namespace, "", map[string]any{
		"verb": verb, "namespace": repo.namespace, "repo": repo.name, "message": message,
		"tag": tag, "tags": tags, "stdout": stdout, "stderr": stderr,
	})
}

// workerLog records a log entry made outside a request. Callers hold s.mu.
func (s *Server) workerLog(kind, namespace, performer string, metadata map[string]any) {
	e := &logEntry{kind: kind, account: namespace, performer: performer, metadata: metadata, at: time.Now().UTC()}
	if ns := s.state.namespaces[namespace]; ns != nil {
		e.accountOrg = ns.isOrg
	}
	s.state.logs = append(s.state.logs, e)
}

// matchingTags is tags_to_mirror: the tags any pattern matches (Python's
// fnmatch, case-sensitive on Linux), without duplicates, sorted.
func matchingTags(all, patterns []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range patterns {
		for _, t := range all {
			if !seen[t] && fnmatch(t, p) {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// fnmatch is Python's fnmatch.fnmatchcase: "*" any run, "?" any one
// character, "[seq]" and "[!seq]" sets; a "[" without its "]" is literal.
func fnmatch(name, pattern string) bool {
	n, p := []rune(name), []rune(pattern)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for j < len(p) {
			switch p[j] {
			case '*':
				for j < len(p) && p[j] == '*' {
					j++
				}
				if j == len(p) {
					return true
				}
				for k := i; k <= len(n); k++ {
					if match(k, j) {
						return true
					}
				}
				return false
			case '?':
				if i >= len(n) {
					return false
				}
				i, j = i+1, j+1
			case '[':
				end := j + 1
				if end < len(p) && p[end] == '!' {
					end++
				}
				if end < len(p) && p[end] == ']' {
					end++
				}
				for end < len(p) && p[end] != ']' {
					end++
				}
				if end >= len(p) { // no closing bracket: a literal "["
					if i >= len(n) || n[i] != '[' {
						return false
					}
					i, j = i+1, j+1
					continue
				}
				if i >= len(n) || !inSet(n[i], p[j+1:end]) {
					return false
				}
				i, j = i+1, end+1
			default:
				if i >= len(n) || n[i] != p[j] {
					return false
				}
				i, j = i+1, j+1
			}
		}
		return i == len(n)
	}
	return match(0, 0)
}

// inSet matches c against the inside of a bracket expression.
func inSet(c rune, set []rune) bool {
	negate := len(set) > 0 && set[0] == '!'
	if negate {
		set = set[1:]
	}
	found := false
	for k := 0; k < len(set); k++ {
		if k+2 < len(set) && set[k+1] == '-' {
			if set[k] <= c && c <= set[k+2] {
				found = true
			}
			k += 2
			continue
		}
		if set[k] == c {
			found = true
		}
	}
	return found != negate
}

// deleteObsoleteTags is delete_obsolete_tags: live tags the sync's tag
// list does not name are deleted (an immutable one stays). Callers hold s.mu.
func (s *Server) deleteObsoleteTags(repo *repository, keep []string) {
	wanted := map[string]bool{}
	for _, t := range keep {
		wanted[t] = true
	}
	now := nowMillis()
	for _, t := range repo.liveTags(now) {
		if !wanted[t.name] && !(s.cfg.Features.ImmutableTags && t.immutable) {
			repo.endTag(t, now)
		}
	}
}

// mirroredImage is a manifest pulled from the external registry with the
// blobs it names, and for an index or manifest list its manifests.
type mirroredImage struct {
	digest    string
	mediaType string
	body      []byte
	size      int64
	blobs     map[string][]byte
	children  []*mirroredImage
}

// writeMirrorTag pushes img as tag into repo the way the mirror's robot
// would: the robot must still log in, hold write on the repository and be
// the mirror's robot (or the repository be NORMAL); an immutable tag
// refuses. Callers hold s.mu.
func (s *Server) writeMirrorTag(repo *repository, m *repoMirror, tag string, img *mirroredImage) error {
	rb := s.state.robot(m.robot)
	if rb == nil {
		return errors.New("the mirror's robot does not exist")
	}
	if _, msg := s.robotLogin(rb.fullName(), rb.token); msg != "" {
		return errors.New(msg)
	}
	if repoRoleRank[grantedRole(s, repo.namespace, repo.name, rb.fullName())] < repoRoleRank["write"] {
		return errors.New("the mirror's robot may not push to " + repo.namespace + "/" + repo.name)
	}
	if !(repo.state == "NORMAL" || repo.state == "MIRROR") {
		return errors.New("repository is read-only")
	}
	var store func(i *mirroredImage)
	store = func(i *mirroredImage) {
		for d, b := range i.blobs {
			repo.blobs[d] = b
		}
		for _, c := range i.children {
			store(c)
		}
		repo.manifests[i.digest] = &manifest{digest: i.digest, mediaType: i.mediaType, body: i.body, size: i.size}
	}
	store(img)
	if refused := s.retargetTag(repo, tag, img.digest, nowMillis()); refused != nil {
		return errors.New(refused.message())
	}
	s.workerLog("push_repo", repo.namespace, rb.fullName(), map[string]any{"repo": repo.name, "namespace": repo.namespace, "tag": tag})
	return nil
}

// mirrorClient talks to the external registry as skopeo does: HTTPS, or
// with verify_tls false HTTPS without certificate checks and then plain
// HTTP; the token challenge answered with the configured credentials.
type mirrorClient struct {
	hc       *http.Client
	scheme   string // "https", or "http" after a fallback
	fixed    bool   // the scheme answered once
	insecure bool
	host     string
	repo     string // the repository path on the registry
	user     *string
	password *string
	auth     string // the Authorization header to send
}

func newMirrorClient(snap mirrorSnapshot) *mirrorClient {
	host, repo, _ := strings.Cut(snap.reference, "/")
	if host == "docker.io" {
		host = "registry-1.docker.io"
		if !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
	}
	timeout := snap.timeout
	if timeout <= 0 {
		timeout = 300 * time.Second
	}
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: snap.insecure}, //nolint:gosec // verify_tls false asks for it
		Proxy: func(req *http.Request) (*url.URL, error) {
			return mirrorProxy(snap.proxy, req.URL)
		},
	}
	return &mirrorClient{
		hc:     &http.Client{Timeout: timeout, Transport: transport},
		scheme: "https", insecure: snap.insecure, host: host, repo: repo,
		user: snap.username, password: snap.password,
	}
}

// mirrorProxy picks the configured proxy for u: https_proxy or
// http_proxy by scheme, none for a host no_proxy lists.
func mirrorProxy(proxies map[string]string, u *url.URL) (*url.URL, error) {
	if np := proxies["no_proxy"]; np != "" {
		host := u.Hostname()
		for _, entry := range strings.Split(np, ",") {
			entry = strings.TrimPrefix(strings.TrimSpace(entry), ".")
			if entry != "" && (entry == "*" || host == entry || strings.HasSuffix(host, "."+entry)) {
				return nil, nil
			}
		}
	}
	key := "http_proxy"
	if u.Scheme == "https" {
		key = "https_proxy"
	}
	if p := proxies[key]; p != "" {
		return url.Parse(p)
	}
	return nil, nil
}

// get fetches path (or an absolute URL) from the registry, answering the
// registry's challenge once.
func (c *mirrorClient) get(target string, accept ...string) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		u := target
		if strings.HasPrefix(target, "/") {
			u = c.scheme + "://" + c.host + target
		}
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("User-Agent", "skopeo (quay emulator)")
		if len(accept) > 0 {
			req.Header.Set("Accept", strings.Join(accept, ", "))
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if !c.fixed && c.insecure && c.scheme == "https" && strings.HasPrefix(target, "/") {
				c.scheme = "http"
				continue
			}
			return nil, nil, err
		}
		c.fixed = true
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt < 3 && c.auth == "" {
			if err := c.authenticate(resp.Header.Get("WWW-Authenticate")); err != nil {
				return nil, nil, err
			}
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return resp, body, fmt.Errorf("GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
		}
		return resp, body, nil
	}
}

// authenticate answers a WWW-Authenticate challenge: Basic with the
// credentials, or Bearer with a token from the realm for pull access.
func (c *mirrorClient) authenticate(challenge string) error {
	scheme, params, _ := strings.Cut(challenge, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		if c.user == nil {
			return errors.New("the registry asks for credentials and the mirror has none")
		}
		req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
		req.SetBasicAuth(*c.user, c.passwordValue())
		c.auth = req.Header.Get("Authorization")
		return nil
	case "bearer":
	default:
		return fmt.Errorf("unsupported registry challenge %q", challenge)
	}
	p := parseChallenge(params)
	realm, err := url.Parse(p["realm"])
	if err != nil || p["realm"] == "" {
		return fmt.Errorf("bad registry challenge %q", challenge)
	}
	q := realm.Query()
	if p["service"] != "" {
		q.Set("service", p["service"])
	}
	q.Set("scope", "repository:"+c.repo+":pull")
	realm.RawQuery = q.Encode()
	req, _ := http.NewRequest(http.MethodGet, realm.String(), nil)
	if c.user != nil {
		req.SetBasicAuth(*c.user, c.passwordValue())
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("registry token: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var tok struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &tok)
	if tok.Token == "" {
		tok.Token = tok.AccessToken
	}
	if tok.Token == "" {
		return errors.New("registry token: no token in the answer")
	}
	c.auth = "Bearer " + tok.Token
	return nil
}

func (c *mirrorClient) passwordValue() string {
	if c.password == nil {
		return ""
	}
	return *c.password
}

// parseChallenge reads the key="value" pairs of a challenge.
func parseChallenge(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		s = strings.TrimLeft(s, ", ")
		key, rest, found := strings.Cut(s, "=")
		if !found {
			break
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				val, rest = rest[1:], ""
			} else {
				val, rest = rest[1:end+1], rest[end+2:]
			}
		} else {
			val, rest, _ = strings.Cut(rest, ",")
		}
		out[strings.ToLower(strings.TrimSpace(key))] = val
		s = rest
	}
	return out
}

// listTags lists every tag of the external repository, following the
// registry's pages.
func (c *mirrorClient) listTags() ([]string, error) {
	var all []string
	next := "/v2/" + c.repo + "/tags/list"
	for next != "" {
		resp, body, err := c.get(next)
		if err != nil {
			return nil, err
		}
		var page struct {
			Tags []string `json:"tags"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("tags list: %w", err)
		}
		all = append(all, page.Tags...)
		next = nextLink(resp.Header.Get("Link"))
	}
	return all, nil
}

// nextLink reads the rel="next" target of a Link header.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		if strings.Contains(part, `rel="next"`) {
			if start, end := strings.IndexByte(part, '<'), strings.IndexByte(part, '>'); start >= 0 && end > start {
				return part[start+1 : end]
			}
		}
	}
	return ""
}

// fetchImage pulls the manifest tag names and what it needs; for an index
// or a manifest list, the manifests it lists (those of archFilter's
// architectures when it names some).
func (c *mirrorClient) fetchImage(tag string, archFilter []string) (*mirroredImage, error) {
	return c.fetchManifest(tag, archFilter, 0)
}

func (c *mirrorClient) fetchManifest(ref string, archFilter []string, depth int) (*mirroredImage, error) {
	resp, body, err := c.get("/v2/"+c.repo+"/manifests/"+ref,
		mediaTypeOCIManifest, mediaTypeDockerManifest, mediaTypeOCIIndex, mediaTypeDockerManifestList)
	if err != nil {
		return nil, err
	}
	var parsed struct {
		MediaType string `json:"mediaType"`
		Config    struct {
			Digest string `json:"digest"`
		} `json:"config"`
		Layers []struct {
			Digest string `json:"digest"`
		} `json:"layers"`
		Manifests []struct {
			Digest   string `json:"digest"`
			Platform struct {
				Architecture string `json:"architecture"`
			} `json:"platform"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", ref, err)
	}
	mediaType, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	if mediaType == "" || mediaType == "application/json" {
		mediaType = parsed.MediaType
	}
	digest := sha256Digest(body)
	if strings.HasPrefix(ref, "sha256:") && ref != digest {
		return nil, fmt.Errorf("manifest %s: the registry sent content of digest %s", ref, digest)
	}
	img := &mirroredImage{digest: digest, mediaType: mediaType, body: body, blobs: map[string][]byte{}}
	switch mediaType {
	case mediaTypeOCIIndex, mediaTypeDockerManifestList:
		if depth > 0 {
			return nil, fmt.Errorf("manifest %s: nested index", ref)
		}
		wanted := map[string]bool{}
		for _, a := range archFilter {
			wanted[a] = true
		}
		for _, child := range parsed.Manifests {
			if len(wanted) > 0 && !wanted[child.Platform.Architecture] {
				continue
			}
			ci, err := c.fetchManifest(child.Digest, nil, depth+1)
			if err != nil {
				return nil, err
			}
			img.children = append(img.children, ci)
		}
	case mediaTypeOCIManifest, mediaTypeDockerManifest:
		for _, d := range append([]string{parsed.Config.Digest}, layerDigestsOf(parsed.Layers)...) {
			if _, done := img.blobs[d]; done || d == "" {
				continue
			}
			_, blob, err := c.get("/v2/" + c.repo + "/blobs/" + d)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(d, "sha256:") && sha256Digest(blob) != d {
				return nil, fmt.Errorf("blob %s: digest mismatch", d)
			}
			img.blobs[d] = blob
		}
		for _, l := range parsed.Layers {
			img.size += int64(len(img.blobs[l.Digest]))
		}
	default:
		return nil, fmt.Errorf("manifest %s: unsupported media type %q", ref, mediaType)
	}
	return img, nil
}

func layerDigestsOf(layers []struct {
	Digest string `json:"digest"`
}) []string {
	out := make([]string, 0, len(layers))
	for _, l := range layers {
		out = append(out, l.Digest)
	}
	return out
}

package emulator

import (
	"encoding/json"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Tags (quay-api.md §13.9; endpoints/api/tag.py, data/model/oci/tag.py).
// A tag is a row with a lifetime: it starts when a push or a PUT points
// the name at a manifest, and ends when it is deleted, moved, or its
// expiration passes. Live tags are the rows not yet ended; the listing
// without onlyActiveTags also shows the ended rows still inside the
// namespace's time-machine window, as Quay's garbage collector leaves them.

// repoTag is one tag row.
type repoTag struct {
	name      string
	manifest  string     // digest
	start     time.Time  // lifetime_start, in milliseconds
	end       *time.Time // lifetime_end: the expiration of a live tag, or when the row ended
	reversion bool
	immutable bool  // FEATURE_IMMUTABLE_TAGS (immutability.go)
	order     int64 // creation order
}

// alive says whether the row is a live tag at now.
func (t *repoTag) alive(now time.Time) bool { return t.end == nil || t.end.After(now) }

// nowMillis is the current time at the millisecond precision Quay stores.
func nowMillis() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// liveTag is the live tag name, or nil (Quay's get_tag).
func (repo *repository) liveTag(name string, now time.Time) *repoTag {
	if t := repo.tags[name]; t != nil && t.alive(now) {
		return t
	}
	return nil
}

// liveTags are the live tags, newest first (by start, then name), as
// Quay's tag history query orders them.
func (repo *repository) liveTags(now time.Time) []*repoTag {
	var out []*repoTag
	for _, t := range repo.tags {
		if t.alive(now) {
			out = append(out, t)
		}
	}
	sortTagRows(out)
	return out
}

func sortTagRows(rows []*repoTag) {
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].start.Equal(rows[j].start) {
			return rows[i].start.After(rows[j].start)
		}
		if rows[i].name != rows[j].name {
			return rows[i].name < rows[j].name
		}
		return rows[i].order > rows[j].order
	})
}

// endTag ends a live tag at at: the row goes to the history.
func (repo *repository) endTag(t *repoTag, at time.Time) {
	t.end = &at
	if repo.tags[t.name] == t {
		delete(repo.tags, t.name)
	}
	repo.deadTags = append(repo.deadTags, t)
}

// tagImmutableError is an operation refused on an immutable tag
// (ImmutableTagException): op is "delete", "overwrite" or "set expiration on".
type tagImmutableError struct{ tag, op string }

func (e tagImmutableError) message() string {
	return "Cannot " + e.op + " immutable tag '" + e.tag + "'"
}

// retargetTag points name at digest in a new row, ending the live row of
// that name, as Quay's retarget_tag does: an immutable live tag refuses
// (with FEATURE_IMMUTABLE_TAGS), and the new row is immutable when an
// immutability policy of the repository or its namespace matches. A row
// whose expiration has passed goes to the history. Callers hold s.mu.
func (s *Server) retargetTag(repo *repository, name, digest string, now time.Time) *tagImmutableError {
	if old := repo.tags[name]; old != nil {
		if old.alive(now) {
			if s.cfg.Features.ImmutableTags && old.immutable {
				return &tagImmutableError{tag: name, op: "overwrite"}
			}
			repo.endTag(old, now)
		} else {
			delete(repo.tags, name)
			repo.deadTags = append(repo.deadTags, old)
		}
	}
	t := &repoTag{name: name, manifest: digest, start: now, order: s.state.newID()}
	if s.cfg.Features.ImmutableTags {
		t.immutable = s.immutableByPolicy(repo, name)
	}
	repo.tags[name] = t
	return nil
}

// timeMachine is how long ended tags stay recoverable in ns: the
// organization's tag_expiration_s, or for users DEFAULT_TAG_EXPIRATION.
func (s *Server) timeMachine(ns string) time.Duration {
	n := s.state.namespaces[ns]
	if n != nil && n.isOrg {
		return time.Duration(n.tagExpirationS) * time.Second
	}
	return time.Duration(s.cfg.DefaultTagExpiration) * time.Second
}

// tagRows are the rows the full listing shows: live tags and the ended
// rows the garbage collector has not removed, newest first.
func (s *Server) tagRows(repo *repository, now time.Time) []*repoTag {
	window := s.timeMachine(repo.namespace)
	var rows []*repoTag
	for _, t := range repo.tags {
		if t.alive(now) || t.end.Add(window).After(now) {
			rows = append(rows, t)
		}
	}
	for _, t := range repo.deadTags {
		if t.end.Add(window).After(now) {
			rows = append(rows, t)
		}
	}
	sortTagRows(rows)
	return rows
}

// repositoryTagView is a tag in the repository view (§13.1; the Tag of
// repository_models_interface.py).
func (repo *repository) repositoryTagView(t *repoTag) map[string]any {
	v := map[string]any{"name": t.name, "size": repo.manifestSize(t.manifest)}
	if t.start.Unix() > 0 {
		v["last_modified"] = rfc2822(t.start)
	}
	if t.end != nil && t.end.Unix() != 0 {
		v["expiration"] = rfc2822(*t.end)
	}
	v["manifest_digest"] = t.manifest
	return v
}

func (repo *repository) manifestSize(digest string) int64 {
	if m := repo.manifests[digest]; m != nil {
		return m.size
	}
	return 0
}

// tagListView is _tag_dict (endpoints/api/tag.py).
func (s *Server) tagListView(repo *repository, t *repoTag) map[string]any {
	v := map[string]any{"name": t.name, "reversion": t.reversion}
	if s.cfg.Features.ImmutableTags {
		v["immutable"] = t.immutable
	}
	if start := t.start.Unix(); start > 0 {
		v["start_ts"] = start
		v["last_modified"] = rfc2822(t.start)
	}
	if t.end != nil {
		if end := t.end.Unix(); end > 0 {
			v["end_ts"] = end
		}
		v["expiration"] = rfc2822(*t.end)
	}
	v["manifest_digest"] = t.manifest
	v["is_manifest_list"] = false
	v["size"] = repo.manifestSize(t.manifest)
	return v
}

// changeTagSchema is ChangeTag (RepositoryTag.put).
var changeTagSchema = mustSchema(`{"type": "object", "description": "Makes changes to a specific tag", "properties": {
	"manifest_digest": {"type": ["string", "null"], "description": "(If specified) The manifest digest to which the tag should point"},
	"expiration": {"type": ["number", "null"], "description": "(If specified) The expiration for the image"},
	"immutable": {"type": "boolean", "description": "(If specified) Whether the tag should be immutable. Write permission required to set, admin permission required to unset."}}}`)

// apiTagPattern is TAG_REGEX (util/names.py): ASCII \w.
var apiTagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

const (
	tagError = `Invalid tag: must match [A-Za-z0-9_.-], NOT start with "." or "-", and can contain 1-128 characters`
	// badRequestText is werkzeug's description of a bare abort(400).
	badRequestText = "The browser (or proxy) sent a request that this server could not understand."
	// notFoundText is werkzeug's description of a bare abort(404).
	notFoundText = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
	// labeledExpirationMin and Max are LABELED_EXPIRATION_MINIMUM and
	// _MAXIMUM (1h, 104w): change_tag_expiration clamps to them.
	labeledExpirationMin = time.Hour
	labeledExpirationMax = 104 * 7 * 24 * time.Hour
)

func (s *Server) registerTagRoutes(rt *router) {
	rt.handle("GET", "/api/v1/repository/{repository}/tag/", s.listRepositoryTags)
	rt.handle("PUT", "/api/v1/repository/{repository}/tag/{tag}", s.changeTag)
	rt.handle("DELETE", "/api/v1/repository/{repository}/tag/{tag}", s.deleteTag)
}

// nonNormalRepository is disallow_for_non_normal_repositories: 503 with
// the state as Python formats the enum member (its number on the Python
// 3.12 of Quay 3.15 and later, "RepositoryState.X" before).
func (r *request) nonNormalRepository(repo *repository) bool {
	if repo == nil || repo.state == "NORMAL" {
		return false
	}
	writeJSON(r.w, 503, map[string]any{"message": "Repository is in read only or mirror mode: " + r.srv.repoStateText(repo.state)})
	return true
}

func (s *Server) repoStateText(state string) string {
	if !versionAtLeast(s.cfg.Version, 3, 15) {
		return "RepositoryState." + state
	}
	switch state {
	case "READ_ONLY":
		return "1"
	case "MIRROR":
		return "2"
	case "ORG_MIRROR":
		return "4"
	}
	return "0"
}

// queryPyInt reads an integer query parameter as flask-restful's parser
// does with type=int: absent is def; a value int() refuses is a 400 whose
// message names the parameter with its help text.
func (r *request) queryPyInt(name, help string, def int) (int, bool) {
	q := r.URL.Query()
	if !q.Has(name) {
		return def, true
	}
	raw := q.Get(name)
	n, ok := pyInt(raw)
	if !ok {
		writeJSON(r.w, 400, map[string]any{"message": map[string]any{
			name: help + " invalid literal for int() with base 10: " + pyString(raw),
		}})
		return 0, false
	}
	return n, true
}

// pyInt parses like Python's int(s): surrounding whitespace, a sign,
// digits with single underscores between them.
func pyInt(s string) (int, bool) {
	s = strings.TrimFunc(s, isPySpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		n = math.MaxInt64 // out of range here; large enough for every use
	}
	if neg {
		n = -n
	}
	return int(n), true
}

// isPySpace is Python's str.isspace for one character.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip is Python's str.strip().
func pyStrip(s string) string { return strings.TrimFunc(s, isPySpace) }

// GET /api/v1/repository/{repository}/tag/ (ListRepositoryTags): read
// permission, then the query, then the repository; ordered newest first,
// limit+1 rows fetched to tell has_additional.
func (s *Server) listRepositoryTags(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name := splitRepository(r.param("repository"))
	c := r.caller
	repo := s.state.repo(ns, name)
	allowed := c.fullAccess || s.repoRole(c, ns, name) != "" || (repo != nil && repo.public)
	if !allowed {
		r.forbidden()
		return
	}
	// flask-restful parses the arguments in reverse order of declaration.
	onlyActive := r.queryTruthy("onlyActiveTags", false)
	page, ok := r.queryPyInt("page", "Page index for the results. Default 1.", 1)
	if !ok {
		return
	}
	limit, ok := r.queryPyInt("limit", "Limit to the number of results to return per page. Max 100.", 50)
	if !ok {
		return
	}
	q := r.URL.Query()
	filter := q.Get("filter_tag_name")
	specific := q.Get("specificTag")
	page = max(1, page)
	limit = min(100, max(1, limit))
	if repo == nil {
		r.notFound()
		return
	}
	var op, value string
	if filter != "" {
		var found bool
		op, value, found = strings.Cut(filter, ":")
		if !found {
			writeJSON(r.w, 400, map[string]any{"message": "Unsupported syntax for filter_tag_name. Expected <operation>:<tag_name> where <operation>can be 'like' or 'eq'."})
			return
		}
	}
	var like *regexp.Regexp
	if op == "like" {
		like = ilikeContains(value)
	}
	now := time.Now()
	var rows []*repoTag
	if onlyActive {
		rows = repo.liveTags(now)
	} else {
		rows = s.tagRows(repo, now)
	}
	var matched []*repoTag
	for _, t := range rows {
		if like != nil && !like.MatchString(t.name) {
			continue
		}
		if op == "eq" && t.name != value {
			continue
		}
		if specific != "" && t.name != specific {
			continue
		}
		matched = append(matched, t)
	}
	from := (page - 1) * limit
	var pageRows []*repoTag
	if from < len(matched) {
		pageRows = matched[from:min(len(matched), from+limit)]
	}
	out := make([]any, 0, len(pageRows))
	for _, t := range pageRows {
		out = append(out, s.tagListView(repo, t))
	}
	r.ok(200, map[string]any{"tags": out, "page": page, "has_additional": from+limit < len(matched)})
}

// ilikeContains is peewee's contains(value): ILIKE '%value%', with the
// value's own "%" and "_" left as wildcards and "\" escaping, as
// PostgreSQL reads it.
func ilikeContains(value string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)^.*`)
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			if i+1 < len(value) {
				i++
				b.WriteString(regexp.QuoteMeta(value[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(value[i : i+1]))
		}
	}
	b.WriteString(`.*$`)
	return regexp.MustCompile(b.String())
}

// tagWrite is the start of the per-tag PUT and DELETE: write permission
// (or a full-access superuser), then a NORMAL repository.
func (r *request) tagWrite() (ns, name string, repo *repository, ok bool) {
	s := r.srv
	ns, name = splitRepository(r.param("repository"))
	if !r.caller.fullAccess && repoRoleRank[s.repoRole(r.caller, ns, name)] < repoRoleRank["write"] {
		r.forbidden()
		return "", "", nil, false
	}
	repo = s.state.repo(ns, name)
	if r.nonNormalRepository(repo) {
		return "", "", nil, false
	}
	return ns, name, repo, true
}

// PUT /api/v1/repository/{repository}/tag/{tag} (RepositoryTag.put): the
// body's expiration, immutable and manifest_digest are applied in that
// order, each on its own, so a later failure leaves the earlier change.
func (s *Server) changeTag(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, ok := r.tagWrite()
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(changeTagSchema, &body) {
		return
	}
	tagName := r.param("tag")
	if !apiTagPattern.MatchString(tagName) {
		writeJSON(r.w, 400, map[string]any{"message": tagError})
		return
	}
	if repo == nil {
		r.notFound()
		return
	}
	now := nowMillis()
	if raw, present := body["expiration"]; present {
		t := repo.liveTag(tagName, now)
		if t == nil {
			r.notFound()
			return
		}
		var expiration *time.Time
		if string(raw) != "null" {
			f, _ := strconv.ParseFloat(string(raw), 64)
			switch {
			case math.IsInf(f, 0) || math.Abs(f) >= 9.2e18:
				// datetime.utcfromtimestamp: out of range for time_t is
				// an OverflowError, which nothing catches.
				r.internalError()
				return
			case f >= 253402300800 || f < -62135596800:
				// A year outside 1..9999 is a ValueError: abort(400).
				writeJSON(r.w, 400, map[string]any{"message": badRequestText})
				return
			}
			sec, frac := math.Modf(f)
			at := time.Unix(int64(sec), int64(frac*1e9)).UTC()
			if !at.After(time.Now()) {
				writeJSON(r.w, 400, map[string]any{"message": badRequestText})
				return
			}
			expiration = &at
		}
		if expiration != nil && s.cfg.Features.ImmutableTags && t.immutable && !s.cfg.Features.ImmutableTagsCanExpire {
			r.modelError(tagImmutableError{tag: tagName, op: "set expiration on"}.message())
			return
		}
		// change_tag_expiration keeps the offset from the tag's start
		// within LABELED_EXPIRATION_MINIMUM and _MAXIMUM; an unchanged
		// end reports no previous expiration.
		var newEnd *time.Time
		if expiration != nil {
			offset := time.Duration(expiration.Unix()-t.start.Unix()) * time.Second
			offset = min(max(offset, labeledExpirationMin), labeledExpirationMax)
			end := t.start.Add(offset)
			newEnd = &end
		}
		var previous *time.Time
		if !sameTime(t.end, newEnd) {
			previous = t.end
			t.end = newEnd
		}
		if previous != nil || expiration != nil {
			var exp any
			if expiration != nil {
				exp = expiration.Unix()
			}
			r.logAction("change_tag_expiration", ns, map[string]any{
				"username": r.caller.name(), "repo": name, "tag": tagName, "namespace": ns,
				"expiration_date": exp, "old_expiration_date": previousMillis(previous),
			})
		}
	}
	if raw, present := body["immutable"]; present && s.cfg.Features.ImmutableTags {
		t := repo.liveTag(tagName, now)
		if t == nil {
			r.notFound()
			return
		}
		immutable := string(raw) == "true"
		if !immutable && t.immutable && !r.caller.fullAccess && s.repoRole(r.caller, ns, name) != "admin" {
			r.forbidden()
			return
		}
		if immutable && t.end != nil && !s.cfg.Features.ImmutableTagsCanExpire {
			r.modelError("Cannot make tag '" + tagName + "' immutable: tag has expiration set. Clear expiration first or enable FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE.")
			return
		}
		previous := t.immutable
		t.immutable = immutable
		r.logAction("change_tag_immutability", ns, map[string]any{
			"username": r.caller.name(), "repo": name, "tag": tagName, "namespace": ns,
			"immutable": immutable, "previous_immutable": previous,
		})
	}
	if raw, present := body["manifest_digest"]; present {
		existing := repo.liveTag(tagName, now)
		var digest string
		_ = json.Unmarshal(raw, &digest)
		if string(raw) == "null" || repo.manifests[digest] == nil {
			r.notFound()
			return
		}
		var original any
		if existing != nil {
			original = existing.manifest
		}
		if refused := s.retargetTag(repo, tagName, digest, now); refused != nil {
			r.problem(409, "tag_immutable", refused.message())
			return
		}
		kind := "create_tag"
		if existing != nil {
			kind = "move_tag"
		}
		r.logAction(kind, ns, map[string]any{
			"username": r.caller.name(), "repo": name, "tag": tagName, "namespace": ns,
			"manifest_digest": digest, "original_manifest_digest": original,
		})
	}
	r.ok(201, "Updated")
}

// previousMillis is the old lifetime_end_ms set_tag_end_ms reports.
func previousMillis(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// DELETE /api/v1/repository/{repository}/tag/{tag} (RepositoryTag.delete).
func (s *Server) deleteTag(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, repo, ok := r.tagWrite()
	if !ok {
		return
	}
	if repo == nil {
		r.notFound()
		return
	}
	tagName := r.param("tag")
	now := nowMillis()
	t := repo.liveTag(tagName, now)
	if t == nil {
		r.notFound()
		return
	}
	if s.cfg.Features.ImmutableTags && t.immutable {
		r.problem(409, "tag_immutable", tagImmutableError{tag: tagName, op: "delete"}.message())
		return
	}
	repo.endTag(t, now)
	r.logAction("delete_tag", ns, map[string]any{"username": r.caller.name(), "repo": name, "namespace": ns, "tag": tagName})
	r.noContent()
}

// TagInfo reports the live tag ns/repo:tag for tests: its manifest digest
// and whether it is immutable; ok is false when there is no such live tag.
func (s *Server) TagInfo(ns, repo, tag string) (digest string, immutable, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.state.repo(ns, repo)
	if r == nil {
		return "", false, false
	}
	t := r.liveTag(tag, time.Now())
	if t == nil {
		return "", false, false
	}
	return t.manifest, t.immutable, true
}

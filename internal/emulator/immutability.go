package emulator

import (
	"encoding/json"
	"errors"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Immutability policies (quay-api.md §17; endpoints/api/immutability_policy.py,
// data/model/immutability.py), behind FEATURE_IMMUTABLE_TAGS and only in
// Quay 3.17 and later. A policy makes the tags whose names fully match its
// pattern (or, with tagPatternMatches false, do not) immutable: at once for
// the live tags of its organization or repository, and for every tag a push
// or a tag PUT creates later. Deleting a policy reverts nothing.
//
// Quay compiles patterns with Python's regex module; the emulator uses Go's
// RE2 as an approximation. Patterns Python accepts but RE2 lacks
// (lookaround, backreferences, possessive repeats) are accepted and never
// match; the common compile errors are reported with Python's wording and
// position.

// immutabilityPolicy is one policy of a namespace or a repository.
type immutabilityPolicy struct {
	uuid    string
	pattern string
	matches bool
	re      *regexp.Regexp // anchored; nil when RE2 cannot run the pattern
}

func (p *immutabilityPolicy) view() map[string]any {
	return map[string]any{"uuid": p.uuid, "tagPattern": p.pattern, "tagPatternMatches": p.matches}
}

// makesImmutable is _matches_policy: a full match, inverted by
// tagPatternMatches false; a pattern that cannot run counts as no match.
func (p *immutabilityPolicy) makesImmutable(tag string) bool {
	matched := p.re != nil && p.re.MatchString(tag)
	return matched == p.matches
}

// immutabilitySchema is ImmutabilityPolicyConfig.
var immutabilitySchema = mustSchema(`{"type": "object", "description": "The immutability policy configuration", "required": ["tagPattern"], "properties": {
	"tagPattern": {"type": "string", "description": "Regex pattern to match tag names"},
	"tagPatternMatches": {"type": "boolean", "description": "If true, matching tags are immutable. If false, non-matching tags are immutable."}}}`)

const duplicateImmutabilityPolicy = "A policy with the same tag_pattern already exists"

func (s *Server) registerImmutabilityRoutes(rt *router) {
	if !s.cfg.Features.ImmutableTags || !versionAtLeast(s.cfg.Version, 3, 17) {
		return
	}
	const org = "/api/v1/organization/{orgname}/immutabilitypolicy/"
	rt.handle("GET", org, s.listOrgImmutabilityPolicies)
	rt.handle("POST", org, s.createOrgImmutabilityPolicy)
	rt.handle("GET", org+"{policy_uuid}", s.getOrgImmutabilityPolicy)
	rt.handle("PUT", org+"{policy_uuid}", s.updateOrgImmutabilityPolicy)
	rt.handle("DELETE", org+"{policy_uuid}", s.deleteOrgImmutabilityPolicy)
	const repo = "/api/v1/repository/{repository}/immutabilitypolicy/"
	rt.handle("GET", repo, s.listRepoImmutabilityPolicies)
	rt.handle("POST", repo, s.createRepoImmutabilityPolicy)
	rt.handle("GET", repo+"{policy_uuid}", s.getRepoImmutabilityPolicy)
	rt.handle("PUT", repo+"{policy_uuid}", s.updateRepoImmutabilityPolicy)
	rt.handle("DELETE", repo+"{policy_uuid}", s.deleteRepoImmutabilityPolicy)
}

// parseImmutabilityPolicy reads a validated body and checks it as
// _validate_policy does; it answers 400 itself when the policy is invalid.
func (r *request) parseImmutabilityPolicy(body map[string]json.RawMessage) (*immutabilityPolicy, bool) {
	pattern, _, _ := getString(body, "tagPattern")
	pattern = pyStrip(pattern)
	matches := true
	if v, present, _ := getBool(body, "tagPatternMatches"); present {
		matches = v
	}
	if pattern == "" {
		r.invalidRequest("tag_pattern is required and must be a non-empty string")
		return nil, false
	}
	if utf8.RuneCountInString(pattern) > 256 {
		r.invalidRequest("tag_pattern must be 256 characters or less")
		return nil, false
	}
	re, msg := compilePythonPattern(pattern)
	if msg != "" {
		r.invalidRequest("Invalid regex pattern: " + msg)
		return nil, false
	}
	return &immutabilityPolicy{pattern: pattern, matches: matches, re: re}, true
}

// activeNamespace is _get_namespace: an enabled user or an organization;
// a missing one is the uncaught "Username does not exist" (400 M).
func (r *request) activeNamespace(name string) *namespace {
	n := r.srv.state.namespaces[name]
	if n == nil || (!n.isOrg && !n.enabled) {
		r.modelError("Username does not exist: " + name)
		return nil
	}
	return n
}

func findImmutabilityPolicy(policies []*immutabilityPolicy, uuid string) *immutabilityPolicy {
	for _, p := range policies {
		if p.uuid == uuid {
			return p
		}
	}
	return nil
}

// duplicatePattern says whether another policy (not except) has pattern.
func duplicatePattern(policies []*immutabilityPolicy, pattern, except string) bool {
	for _, p := range policies {
		if p.uuid != except && p.pattern == pattern {
			return true
		}
	}
	return false
}

func immutabilityViews(policies []*immutabilityPolicy) []any {
	out := make([]any, 0, len(policies))
	for _, p := range policies {
		out = append(out, p.view())
	}
	return out
}

// immutableByPolicy is evaluate_immutability_policies: whether a new tag
// name of repo is immutable under the repository's or its namespace's
// policies. Callers hold s.mu.
func (s *Server) immutableByPolicy(repo *repository, tag string) bool {
	for _, p := range repo.immutabilityPolicies {
		if p.makesImmutable(tag) {
			return true
		}
	}
	if n := s.state.namespaces[repo.namespace]; n != nil {
		for _, p := range n.immutabilityPolicies {
			if p.makesImmutable(tag) {
				return true
			}
		}
	}
	return false
}

// applyImmutability is apply_immutability_policy_to_existing_tags: the
// live tags of repos that p covers become immutable, losing their
// expiration unless FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE. It logs how many
// changed, as Quay does when any did.
func (r *request) applyImmutability(p *immutabilityPolicy, ns string, repos []*repository, repoName *string) {
	s := r.srv
	now := time.Now()
	count := 0
	for _, repo := range repos {
		for _, t := range repo.liveTags(now) {
			if t.immutable || !p.makesImmutable(t.name) {
				continue
			}
			t.immutable = true
			count++
			if !s.cfg.Features.ImmutableTagsCanExpire {
				t.end = nil
			}
		}
	}
	if count == 0 {
		return
	}
	md := map[string]any{"namespace": ns, "tag_pattern": p.pattern, "tag_pattern_matches": p.matches, "count": count}
	if repoName != nil {
		md["repo"] = *repoName
	}
	r.logAction("tags_made_immutable_by_policy", ns, md)
}

// namespaceRepos are the repositories of n, in creation order.
func namespaceRepos(n *namespace) []*repository {
	out := make([]*repository, 0, len(n.repos))
	for _, repo := range n.repos {
		out = append(out, repo)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func policyLogMetadata(ns string, repo *string, p *immutabilityPolicy) map[string]any {
	md := map[string]any{"namespace": ns, "tag_pattern": p.pattern, "tag_pattern_matches": p.matches}
	if repo != nil {
		md["repo"] = *repo
	}
	return md
}

// Organization paths: the permission is AdministerOrganizationPermission
// or a full-access superuser (orgAdminOf); the namespace need not be an
// organization.

// GET /api/v1/organization/{orgname}/immutabilitypolicy/.
func (s *Server) listOrgImmutabilityPolicies(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	var policies []*immutabilityPolicy
	if n := s.state.namespaces[name]; n != nil {
		policies = n.immutabilityPolicies
	}
	r.ok(200, map[string]any{"policies": immutabilityViews(policies)})
}

// POST /api/v1/organization/{orgname}/immutabilitypolicy/: the schema,
// the permission, the pattern, the namespace, then duplicates.
func (s *Server) createOrgImmutabilityPolicy(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(immutabilitySchema, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	if s.orgMirrored(name) {
		r.invalidRequest("Cannot create immutability policy: organization is managed by organization-level mirroring")
		return
	}
	p, ok := r.parseImmutabilityPolicy(body)
	if !ok {
		return
	}
	n := r.activeNamespace(name)
	if n == nil {
		return
	}
	if duplicatePattern(n.immutabilityPolicies, p.pattern, "") {
		r.invalidRequest(duplicateImmutabilityPolicy)
		return
	}
	p.uuid = randomUUID()
	n.immutabilityPolicies = append(n.immutabilityPolicies, p)
	r.applyImmutability(p, name, namespaceRepos(n), nil)
	r.logAction("create_immutability_policy", name, policyLogMetadata(name, nil, p))
	r.ok(201, map[string]any{"uuid": p.uuid})
}

// GET /api/v1/organization/{orgname}/immutabilitypolicy/{policy_uuid}.
func (s *Server) getOrgImmutabilityPolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	var p *immutabilityPolicy
	if n := s.state.namespaces[name]; n != nil {
		p = findImmutabilityPolicy(n.immutabilityPolicies, r.param("policy_uuid"))
	}
	if p == nil {
		r.notFound()
		return
	}
	r.ok(200, p.view())
}

// PUT /api/v1/organization/{orgname}/immutabilitypolicy/{policy_uuid}: a
// full replacement, applied to the live tags again.
func (s *Server) updateOrgImmutabilityPolicy(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(immutabilitySchema, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, uuid := r.param("orgname"), r.param("policy_uuid")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	p, ok := r.parseImmutabilityPolicy(body)
	if !ok {
		return
	}
	n := r.activeNamespace(name)
	if n == nil {
		return
	}
	old := findImmutabilityPolicy(n.immutabilityPolicies, uuid)
	if old == nil {
		r.notFound()
		return
	}
	if duplicatePattern(n.immutabilityPolicies, p.pattern, uuid) {
		r.invalidRequest(duplicateImmutabilityPolicy)
		return
	}
	old.pattern, old.matches, old.re = p.pattern, p.matches, p.re
	r.applyImmutability(old, name, namespaceRepos(n), nil)
	r.logAction("update_immutability_policy", name, policyLogMetadata(name, nil, old))
	r.noContent()
}

// DELETE /api/v1/organization/{orgname}/immutabilitypolicy/{policy_uuid}:
// the tags the policy made immutable stay so.
func (s *Server) deleteOrgImmutabilityPolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, uuid := r.param("orgname"), r.param("policy_uuid")
	if !s.orgAdminOf(r.caller, name) {
		r.forbidden()
		return
	}
	n := r.activeNamespace(name)
	if n == nil {
		return
	}
	if findImmutabilityPolicy(n.immutabilityPolicies, uuid) == nil {
		r.notFound()
		return
	}
	n.immutabilityPolicies = removePolicy(n.immutabilityPolicies, uuid)
	r.logAction("delete_immutability_policy", name, map[string]any{"namespace": name, "policy_uuid": uuid})
	r.ok(200, map[string]any{"uuid": uuid})
}

func removePolicy(policies []*immutabilityPolicy, uuid string) []*immutabilityPolicy {
	out := policies[:0:0]
	for _, p := range policies {
		if p.uuid != uuid {
			out = append(out, p)
		}
	}
	return out
}

// Repository paths: require_repo_admin (a full-access superuser passes)
// comes before the body.

// repoAdminOnly is require_repo_admin: it answers 403 (401) itself.
func (r *request) repoAdminOnly() (ns, name string, ok bool) {
	ns, name = splitRepository(r.param("repository"))
	if !r.caller.fullAccess && r.srv.repoRole(r.caller, ns, name) != "admin" {
		r.forbidden()
		return "", "", false
	}
	return ns, name, true
}

// GET /api/v1/repository/{repository}/immutabilitypolicy/.
func (s *Server) listRepoImmutabilityPolicies(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	r.ok(200, map[string]any{"policies": immutabilityViews(repo.immutabilityPolicies)})
}

// POST /api/v1/repository/{repository}/immutabilitypolicy/.
func (s *Server) createRepoImmutabilityPolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(immutabilitySchema, &body) {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	p, ok := r.parseImmutabilityPolicy(body)
	if !ok {
		return
	}
	if duplicatePattern(repo.immutabilityPolicies, p.pattern, "") {
		r.invalidRequest(duplicateImmutabilityPolicy)
		return
	}
	p.uuid = randomUUID()
	repo.immutabilityPolicies = append(repo.immutabilityPolicies, p)
	r.applyImmutability(p, ns, []*repository{repo}, &name)
	r.logAction("create_immutability_policy", ns, policyLogMetadata(ns, &name, p))
	r.ok(201, map[string]any{"uuid": p.uuid})
}

// GET /api/v1/repository/{repository}/immutabilitypolicy/{policy_uuid}.
func (s *Server) getRepoImmutabilityPolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var p *immutabilityPolicy
	if repo := s.state.repo(ns, name); repo != nil {
		p = findImmutabilityPolicy(repo.immutabilityPolicies, r.param("policy_uuid"))
	}
	if p == nil {
		r.notFound()
		return
	}
	r.ok(200, p.view())
}

// PUT /api/v1/repository/{repository}/immutabilitypolicy/{policy_uuid}:
// the pattern is checked before the repository and the policy are looked up.
func (s *Server) updateRepoImmutabilityPolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(immutabilitySchema, &body) {
		return
	}
	p, ok := r.parseImmutabilityPolicy(body)
	if !ok {
		return
	}
	if r.activeNamespace(ns) == nil {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	uuid := r.param("policy_uuid")
	old := findImmutabilityPolicy(repo.immutabilityPolicies, uuid)
	if old == nil {
		r.notFound()
		return
	}
	if duplicatePattern(repo.immutabilityPolicies, p.pattern, uuid) {
		r.invalidRequest(duplicateImmutabilityPolicy)
		return
	}
	old.pattern, old.matches, old.re = p.pattern, p.matches, p.re
	r.applyImmutability(old, ns, []*repository{repo}, &name)
	r.logAction("update_immutability_policy", ns, policyLogMetadata(ns, &name, old))
	r.noContent()
}

// DELETE /api/v1/repository/{repository}/immutabilitypolicy/{policy_uuid}.
func (s *Server) deleteRepoImmutabilityPolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	if r.activeNamespace(ns) == nil {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	uuid := r.param("policy_uuid")
	if findImmutabilityPolicy(repo.immutabilityPolicies, uuid) == nil {
		r.notFound()
		return
	}
	repo.immutabilityPolicies = removePolicy(repo.immutabilityPolicies, uuid)
	r.logAction("delete_immutability_policy", ns, map[string]any{"namespace": ns, "repo": name, "policy_uuid": uuid})
	r.ok(200, map[string]any{"uuid": uuid})
}

// AllImmutabilityPolicies lists every immutability policy as
// "<namespace>/<uuid>" or "<namespace>/<repository>/<uuid>", sorted, for
// soak comparisons.
func (s *Server) AllImmutabilityPolicies() []string {
	return s.namespaceAndRepoKeys(
		func(n *namespace) []string {
			return uuidsOf(n.immutabilityPolicies, func(p *immutabilityPolicy) string { return p.uuid })
		},
		func(r *repository) []string {
			return uuidsOf(r.immutabilityPolicies, func(p *immutabilityPolicy) string { return p.uuid })
		})
}

// compilePythonPattern compiles a tag pattern for full matching. It
// returns Python's error text for a pattern Python's regex module would
// refuse (as far as RE2's errors tell), and a nil regexp without error for
// one Python accepts but RE2 cannot run.
func compilePythonPattern(pattern string) (*regexp.Regexp, string) {
	_, err := syntax.Parse(pattern, syntax.Perl)
	if err == nil {
		re, cerr := regexp.Compile(`^(?:` + pattern + `)$`)
		if cerr != nil {
			return nil, ""
		}
		return re, ""
	}
	var se *syntax.Error
	if !errors.As(err, &se) {
		return nil, ""
	}
	pos := func(byteIdx int) string {
		return itoa(utf8.RuneCountInString(pattern[:max(0, min(byteIdx, len(pattern)))]))
	}
	end := pos(len(pattern))
	at := strings.Index(pattern, se.Expr)
	switch se.Code {
	case syntax.ErrMissingParen:
		return nil, "missing ) at position " + end
	case syntax.ErrUnexpectedParen:
		return nil, "unbalanced parenthesis at position " + pos(unbalancedParen(pattern))
	case syntax.ErrMissingBracket:
		return nil, "unterminated character set at position " + end
	case syntax.ErrTrailingBackslash:
		return nil, "bad escape (end of pattern) at position " + end
	case syntax.ErrMissingRepeatArgument:
		return nil, "nothing to repeat at position " + pos(at)
	case syntax.ErrInvalidRepeatOp:
		if strings.HasSuffix(se.Expr, "+") {
			return nil, "" // a possessive repeat
		}
		return nil, "multiple repeat at position " + pos(at+len(se.Expr)-1)
	case syntax.ErrInvalidRepeatSize:
		var lo, hi int
		if n := sscanRepeat(se.Expr, &lo, &hi); n == 2 && lo > hi {
			return nil, "min repeat greater than max repeat at position " + pos(at+1)
		}
		return nil, ""
	case syntax.ErrInvalidCharRange:
		return nil, "bad character range at position " + pos(at+len(se.Expr))
	case syntax.ErrInvalidEscape:
		if len(se.Expr) < 2 {
			return nil, ""
		}
		c := se.Expr[1]
		switch {
		case c >= '0' && c <= '9':
			if strings.Count(pattern, "(")-strings.Count(pattern, "(?") >= int(c-'0') {
				return nil, "" // a backreference
			}
			return nil, "invalid group reference at position " + pos(at+2)
		case strings.IndexByte("AbBdDsSwWZGXNpPmMLhHKRvV", c) >= 0:
			return nil, ""
		case c == 'x' || c == 'u' || c == 'U':
			return nil, "incomplete escape " + se.Expr + " at position " + pos(at)
		default:
			return nil, "bad escape " + se.Expr[:2] + " at position " + pos(at+2)
		}
	case syntax.ErrInvalidNamedCapture:
		if strings.HasPrefix(se.Expr, "(?<=") || strings.HasPrefix(se.Expr, "(?<!") {
			return nil, "" // lookbehind
		}
		if strings.HasPrefix(se.Expr, "(?P<>") || strings.HasPrefix(se.Expr, "(?<>") {
			return nil, "missing group name at position " + pos(at+len("(?P<"))
		}
		return nil, "bad character in group name at position " + pos(at+len(se.Expr))
	case syntax.ErrInvalidPerlOp:
		rest := strings.TrimPrefix(se.Expr, "(?")
		if rest != "" && strings.IndexByte("=!>#|(&R+-0123456789P", rest[0]) >= 0 {
			return nil, "" // lookahead, atomic group, comment, recursion...
		}
		return nil, "unknown extension at position " + pos(at+2)
	}
	return nil, ""
}

// sscanRepeat reads "{lo,hi}".
func sscanRepeat(expr string, lo, hi *int) int {
	inner := strings.TrimSuffix(strings.TrimPrefix(expr, "{"), "}")
	a, b, found := strings.Cut(inner, ",")
	n := 0
	if v, ok := pyInt(a); ok {
		*lo = v
		n++
	}
	if v, ok := pyInt(b); found && ok {
		*hi = v
		n++
	}
	return n
}

// unbalancedParen is the byte index of the first ")" without an opening
// "(", skipping escapes and character classes.
func unbalancedParen(p string) int {
	depth := 0
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(p) && p[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return len(p)
}

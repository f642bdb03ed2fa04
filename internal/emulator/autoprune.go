package emulator

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Auto-prune policies (quay-api.md §16; endpoints/api/policy.py,
// data/model/autoprune.py, util/timedeltastring.py,
// workers/autopruneworker.py), behind FEATURE_AUTO_PRUNE. Quay 3.10 has
// namespace policies, 3.11 adds repository policies, both one per target;
// 3.13 allows several per target with a tag pattern and refuses only exact
// duplicates. The API prunes nothing: Quay's worker does, later, and
// RunAutoPrune does what one pass of it would.

// autoprunePolicy is one policy of a namespace or a repository.
type autoprunePolicy struct {
	uuid       string
	method     string // number_of_tags or creation_date
	value      any    // json.Number (an integer) or string, as sent
	tagPattern *string
	matches    bool // tagPatternMatches
}

// view is the policy's get_view; before 3.13 it has no pattern fields.
func (p *autoprunePolicy) view(modern bool) map[string]any {
	v := map[string]any{"uuid": p.uuid, "method": p.method, "value": p.value}
	if modern {
		var pattern any
		if p.tagPattern != nil {
			pattern = *p.tagPattern
		}
		v["tagPattern"] = pattern
		v["tagPatternMatches"] = p.matches
	}
	return v
}

// sameSettings is check_existing_policy: the value compares with its type.
func (p *autoprunePolicy) sameSettings(o *autoprunePolicy) bool {
	if p.method != o.method || p.matches != o.matches {
		return false
	}
	if (p.tagPattern == nil) != (o.tagPattern == nil) || (p.tagPattern != nil && *p.tagPattern != *o.tagPattern) {
		return false
	}
	a, aNum := p.value.(json.Number)
	b, bNum := o.value.(json.Number)
	if aNum || bNum {
		return aNum && bNum && a == b
	}
	return p.value == o.value
}

// autoPruneSchema is AutoPrunePolicyConfig; description names the target
// as each resource's copy of the schema does.
func autoPruneSchema(target string, modern bool) *schema {
	props := `"method": {"type": "string", "description": "The method to use for pruning tags (number_of_tags, creation_date)"},
	"value": {"type": ["integer", "string"], "description": "The value to use for the pruning method (number of tags e.g. 10, time delta e.g. 7d (7 days))"}`
	if modern {
		props += `,
	"tagPattern": {"type": "string", "description": "Tags only matching this pattern will be pruned"},
	"tagPatternMatches": {"type": "boolean", "description": "Determine whether pruned tags should or should not match the tagPattern"}`
	}
	return mustSchema(`{"type": "object", "description": "The policy configuration that is to be applied to the ` + target + `", "required": ["method", "value"], "properties": {` + props + `}}`)
}

const (
	autoPruneMethodNumber = "number_of_tags"
	autoPruneMethodDate   = "creation_date"
)

func (s *Server) registerAutoPruneRoutes(rt *router) {
	if !s.cfg.Features.AutoPrune {
		return
	}
	modern := versionAtLeast(s.cfg.Version, 3, 13)
	orgSchema := autoPruneSchema("organization", modern)
	userSchema := autoPruneSchema("user namespace", modern)
	repoSchema := autoPruneSchema("repository", modern)

	const org = "/api/v1/organization/{orgname}/autoprunepolicy/"
	rt.handle("GET", org, s.listOrgAutoPrunePolicies)
	rt.handle("POST", org, func(r *request) { s.createNamespaceAutoPrunePolicy(r, orgSchema, false) })
	rt.handle("GET", org+"{policy_uuid}", s.getOrgAutoPrunePolicy)
	rt.handle("PUT", org+"{policy_uuid}", func(r *request) { s.updateNamespaceAutoPrunePolicy(r, orgSchema, false) })
	rt.handle("DELETE", org+"{policy_uuid}", func(r *request) { s.deleteNamespaceAutoPrunePolicy(r, false) })

	const user = "/api/v1/user/autoprunepolicy/"
	rt.handle("GET", user, s.listUserAutoPrunePolicies)
	rt.handle("POST", user, func(r *request) { s.createNamespaceAutoPrunePolicy(r, userSchema, true) })
	rt.handle("GET", user+"{policy_uuid}", s.getUserAutoPrunePolicy)
	rt.handle("PUT", user+"{policy_uuid}", func(r *request) { s.updateNamespaceAutoPrunePolicy(r, userSchema, true) })
	rt.handle("DELETE", user+"{policy_uuid}", func(r *request) { s.deleteNamespaceAutoPrunePolicy(r, true) })

	if !versionAtLeast(s.cfg.Version, 3, 11) {
		return
	}
	const repo = "/api/v1/repository/{repository}/autoprunepolicy/"
	rt.handle("GET", repo, s.listRepoAutoPrunePolicies)
	rt.handle("POST", repo, func(r *request) { s.createRepoAutoPrunePolicy(r, repoSchema) })
	rt.handle("GET", repo+"{policy_uuid}", s.getRepoAutoPrunePolicy)
	rt.handle("PUT", repo+"{policy_uuid}", func(r *request) { s.updateRepoAutoPrunePolicy(r, repoSchema) })
	rt.handle("DELETE", repo+"{policy_uuid}", s.deleteRepoAutoPrunePolicy)
}

func (s *Server) modernAutoPrune() bool { return versionAtLeast(s.cfg.Version, 3, 13) }

// readAutoPrunePolicy builds the policy config from a validated body, as
// the handlers do: tagPattern trimmed, tagPatternMatches true by default.
func (s *Server) readAutoPrunePolicy(body map[string]json.RawMessage) *autoprunePolicy {
	p := &autoprunePolicy{matches: true}
	p.method, _, _ = getString(body, "method")
	v := parseJSONValue(body["value"])
	if v != nil && v.kind == "number" {
		p.value = json.Number(v.str)
	} else if v != nil {
		p.value = v.str
	}
	if !s.modernAutoPrune() {
		return p
	}
	if pattern, present, _ := getString(body, "tagPattern"); present {
		pattern = pyStrip(pattern)
		p.tagPattern = &pattern
	}
	if m, present, _ := getBool(body, "tagPatternMatches"); present {
		p.matches = m
	}
	return p
}

// validateAutoPrunePolicy is assert_valid_*_autoprune_policy: it answers
// 400 (or 500 where Python's timedelta overflows) and reports false.
func (r *request) validateAutoPrunePolicy(p *autoprunePolicy) bool {
	if p.method != autoPruneMethodNumber && p.method != autoPruneMethodDate {
		r.invalidRequest("Invalid method provided")
		return false
	}
	valid := false
	switch v := p.value.(type) {
	case json.Number:
		// A JSON integer; a float such as 5.0 passes the schema but is
		// no Python int.
		n, ok := new(big.Int).SetString(string(v), 10)
		valid = p.method == autoPruneMethodNumber && ok && n.Sign() > 0
	case string:
		if p.method == autoPruneMethodDate && v != "" {
			_, ok, overflow := parseTimedelta(v)
			if overflow {
				r.internalError()
				return false
			}
			valid = ok
		}
	}
	if !valid {
		r.invalidRequest("Invalid value given for method type")
		return false
	}
	if p.tagPattern != nil && *p.tagPattern == "" {
		r.invalidRequest("tag_pattern cannot be empty")
		return false
	}
	return true
}

// parseTimedelta is convert_to_timedelta: int(value[:-1]) and a unit
// s, m, h, d, w or y (365 days). overflow reports a value Python's
// timedelta refuses with an OverflowError (beyond 999999999 days).
func parseTimedelta(v string) (d time.Duration, ok, overflow bool) {
	if v == "" {
		return 0, false, false
	}
	num := pyBigInt(v[:len(v)-1])
	if num == nil {
		return 0, false, false
	}
	var unit int64
	switch v[len(v)-1] {
	case 's':
		unit = 1
	case 'm':
		unit = 60
	case 'h':
		unit = 3600
	case 'd':
		unit = 86400
	case 'w':
		unit = 7 * 86400
	case 'y':
		unit = 365 * 86400
	default:
		return 0, false, false
	}
	secs := new(big.Int).Mul(num, big.NewInt(unit))
	days := new(big.Int).Div(secs, big.NewInt(86400)) // floor, as timedelta normalizes
	if days.CmpAbs(big.NewInt(999999999)) > 0 {
		return 0, false, true
	}
	if !secs.IsInt64() || secs.Int64() > math.MaxInt64/int64(time.Second) || secs.Int64() < math.MinInt64/int64(time.Second) {
		if secs.Sign() < 0 {
			return time.Duration(math.MinInt64), true, false
		}
		return time.Duration(math.MaxInt64), true, false
	}
	return time.Duration(secs.Int64()) * time.Second, true, false
}

// pyBigInt parses like Python's int(s), or returns nil.
func pyBigInt(s string) *big.Int {
	s = pyStrip(s)
	sign := ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return nil
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return nil
		}
	}
	n, ok := new(big.Int).SetString(sign+digits, 10)
	if !ok {
		return nil
	}
	return n
}

func autoPruneViews(policies []*autoprunePolicy, modern bool) []any {
	out := make([]any, 0, len(policies))
	for _, p := range policies {
		out = append(out, p.view(modern))
	}
	return out
}

func findAutoPrunePolicy(policies []*autoprunePolicy, uuid string) *autoprunePolicy {
	for _, p := range policies {
		if p.uuid == uuid {
			return p
		}
	}
	return nil
}

func withoutAutoPrunePolicy(policies []*autoprunePolicy, uuid string) []*autoprunePolicy {
	out := policies[:0:0]
	for _, p := range policies {
		if p.uuid != uuid {
			out = append(out, p)
		}
	}
	return out
}

// autoPruneLog is the metadata the create and update handlers log.
func (s *Server) autoPruneLog(p *autoprunePolicy, ns string, repo *string) map[string]any {
	md := map[string]any{"method": p.method, "value": p.value, "namespace": ns}
	if s.modernAutoPrune() {
		var pattern any
		if p.tagPattern != nil {
			pattern = *p.tagPattern
		}
		md["tag_pattern"] = pattern
		md["tag_pattern_matches"] = p.matches
	}
	if repo != nil {
		md["repo"] = *repo
	}
	return md
}

// activeAutoPruneNamespace is get_active_namespace_user_by_username for
// the policy handlers, which answer its failure with 404.
func (r *request) activeAutoPruneNamespace(name string) *namespace {
	n := r.srv.state.namespaces[name]
	if n == nil || (!n.isOrg && !n.enabled) {
		r.notFound()
		return nil
	}
	return n
}

// namespacePolicyTarget resolves the namespace of a namespace-level
// handler: the organization path's name after AdministerOrganizationPermission
// (or a full-access superuser), or the token's own user after
// require_user_admin.
func (r *request) namespacePolicyTarget(user bool) (string, bool) {
	if user {
		if !r.requireUserAdmin() {
			return "", false
		}
		return r.caller.name(), true
	}
	name := r.param("orgname")
	if !r.srv.orgAdminOf(r.caller, name) {
		r.forbidden()
		return "", false
	}
	return name, true
}

// listNamespaceAutoPrunePolicies answers the namespace's policies; an
// unknown namespace has none.
func (s *Server) listNamespaceAutoPrunePolicies(r *request, name string) {
	var policies []*autoprunePolicy
	if n := s.state.namespaces[name]; n != nil {
		policies = n.autoprunePolicies
	}
	r.ok(200, map[string]any{"policies": autoPruneViews(policies, s.modernAutoPrune())})
}

// GET /api/v1/organization/{orgname}/autoprunepolicy/.
func (s *Server) listOrgAutoPrunePolicies(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name, ok := r.namespacePolicyTarget(false); ok {
		s.listNamespaceAutoPrunePolicies(r, name)
	}
}

// GET /api/v1/user/autoprunepolicy/.
func (s *Server) listUserAutoPrunePolicies(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name, ok := r.namespacePolicyTarget(true); ok {
		s.listNamespaceAutoPrunePolicies(r, name)
	}
}

// POST .../autoprunepolicy/ of an organization (the schema before the
// permission) or of the token's user (require_user_admin first).
func (s *Server) createNamespaceAutoPrunePolicy(r *request, sch *schema, user bool) {
	var body map[string]json.RawMessage
	if user {
		if !r.requireUserAdmin() {
			return
		}
	}
	if !r.decodeValidBody(sch, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespacePolicyTarget(user)
	if !ok {
		return
	}
	p := s.readAutoPrunePolicy(body)
	n := r.activeAutoPruneNamespace(name)
	if n == nil {
		return
	}
	if !s.modernAutoPrune() && len(n.autoprunePolicies) > 0 {
		r.invalidRequest("Policy for this namespace already exists, delete existing to create new policy")
		return
	}
	if !r.validateAutoPrunePolicy(p) {
		return
	}
	for _, o := range n.autoprunePolicies {
		if o.sameSettings(p) {
			r.invalidRequest("Existing policy with same values for this namespace, duplicate policies are not permitted")
			return
		}
	}
	p.uuid = randomUUID()
	n.autoprunePolicies = append(n.autoprunePolicies, p)
	r.logAction("create_namespace_autoprune_policy", name, s.autoPruneLog(p, name, nil))
	r.ok(201, map[string]any{"uuid": p.uuid})
}

func (s *Server) getNamespaceAutoPrunePolicy(r *request, user bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespacePolicyTarget(user)
	if !ok {
		return
	}
	var p *autoprunePolicy
	if n := s.state.namespaces[name]; n != nil {
		p = findAutoPrunePolicy(n.autoprunePolicies, r.param("policy_uuid"))
	}
	if p == nil {
		r.notFound()
		return
	}
	r.ok(200, p.view(s.modernAutoPrune()))
}

// GET /api/v1/organization/{orgname}/autoprunepolicy/{policy_uuid}.
func (s *Server) getOrgAutoPrunePolicy(r *request) { s.getNamespaceAutoPrunePolicy(r, false) }

// GET /api/v1/user/autoprunepolicy/{policy_uuid}.
func (s *Server) getUserAutoPrunePolicy(r *request) { s.getNamespaceAutoPrunePolicy(r, true) }

// PUT .../autoprunepolicy/{policy_uuid}: a full replacement; the policy
// is found before the new settings are checked, and duplicates are not.
func (s *Server) updateNamespaceAutoPrunePolicy(r *request, sch *schema, user bool) {
	var body map[string]json.RawMessage
	if user {
		if !r.requireUserAdmin() {
			return
		}
	}
	if !r.decodeValidBody(sch, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespacePolicyTarget(user)
	if !ok {
		return
	}
	p := s.readAutoPrunePolicy(body)
	n := r.activeAutoPruneNamespace(name)
	if n == nil {
		return
	}
	uuid := r.param("policy_uuid")
	old := findAutoPrunePolicy(n.autoprunePolicies, uuid)
	if old == nil {
		r.notFound()
		return
	}
	if !r.validateAutoPrunePolicy(p) {
		return
	}
	p.uuid = uuid
	*old = *p
	r.logAction("update_namespace_autoprune_policy", name, s.autoPruneLog(p, name, nil))
	r.noContent()
}

// DELETE .../autoprunepolicy/{policy_uuid}: 200 with the uuid. The
// namespace lookup here takes disabled users too.
func (s *Server) deleteNamespaceAutoPrunePolicy(r *request, user bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespacePolicyTarget(user)
	if !ok {
		return
	}
	n := s.state.namespaces[name]
	uuid := r.param("policy_uuid")
	if n == nil || findAutoPrunePolicy(n.autoprunePolicies, uuid) == nil {
		r.notFound()
		return
	}
	n.autoprunePolicies = withoutAutoPrunePolicy(n.autoprunePolicies, uuid)
	r.logAction("delete_namespace_autoprune_policy", name, map[string]any{"policy_uuid": uuid, "namespace": name})
	r.ok(200, map[string]any{"uuid": uuid})
}

// Repository paths: require_repo_admin comes first.

// GET /api/v1/repository/{repository}/autoprunepolicy/.
func (s *Server) listRepoAutoPrunePolicies(r *request) {
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
	r.ok(200, map[string]any{"policies": autoPruneViews(repo.autoprunePolicies, s.modernAutoPrune())})
}

// POST /api/v1/repository/{repository}/autoprunepolicy/.
func (s *Server) createRepoAutoPrunePolicy(r *request, sch *schema) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(sch, &body) {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.notFound()
		return
	}
	p := s.readAutoPrunePolicy(body)
	if r.activeAutoPruneNamespace(ns) == nil {
		return
	}
	if !s.modernAutoPrune() && len(repo.autoprunePolicies) > 0 {
		r.invalidRequest("Policy for this repository already exists, delete existing to create new policy")
		return
	}
	if !r.validateAutoPrunePolicy(p) {
		return
	}
	for _, o := range repo.autoprunePolicies {
		if o.sameSettings(p) {
			r.invalidRequest("Existing policy with same values for this repository, duplicate policies are not permitted")
			return
		}
	}
	p.uuid = randomUUID()
	repo.autoprunePolicies = append(repo.autoprunePolicies, p)
	r.logAction("create_repository_autoprune_policy", ns, s.autoPruneLog(p, ns, &name))
	r.ok(201, map[string]any{"uuid": p.uuid})
}

// repoPolicyByName is get_repository_autoprune_policy_by_uuid: the
// policy with uuid on any repository named name, in any namespace.
func (s *Server) repoPolicyByName(name, uuid string) (*repository, *autoprunePolicy) {
	for _, n := range s.state.namespaces {
		if repo := n.repos[name]; repo != nil {
			if p := findAutoPrunePolicy(repo.autoprunePolicies, uuid); p != nil {
				return repo, p
			}
		}
	}
	return nil, nil
}

// GET /api/v1/repository/{repository}/autoprunepolicy/{policy_uuid}.
func (s *Server) getRepoAutoPrunePolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	_, p := s.repoPolicyByName(name, r.param("policy_uuid"))
	if p == nil {
		r.notFound()
		return
	}
	r.ok(200, p.view(s.modernAutoPrune()))
}

// PUT /api/v1/repository/{repository}/autoprunepolicy/{policy_uuid}: the
// update is limited to the path's namespace, so a policy of a same-named
// repository elsewhere is answered 204 and left unchanged.
func (s *Server) updateRepoAutoPrunePolicy(r *request, sch *schema) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(sch, &body) {
		return
	}
	p := s.readAutoPrunePolicy(body)
	if r.activeAutoPruneNamespace(ns) == nil {
		return
	}
	if s.state.repo(ns, name) == nil {
		r.notFound()
		return
	}
	uuid := r.param("policy_uuid")
	owner, old := s.repoPolicyByName(name, uuid)
	if old == nil {
		r.notFound()
		return
	}
	if !r.validateAutoPrunePolicy(p) {
		return
	}
	if owner.namespace == ns {
		p.uuid = uuid
		*old = *p
	}
	r.logAction("update_repository_autoprune_policy", ns, s.autoPruneLog(p, ns, &name))
	r.noContent()
}

// DELETE /api/v1/repository/{repository}/autoprunepolicy/{policy_uuid}:
// a policy of a same-named repository in another namespace deletes no row,
// which Quay's model raises as an uncaught DoesNotExist (500).
func (s *Server) deleteRepoAutoPrunePolicy(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	repo := s.state.repo(ns, name)
	if s.state.namespaces[ns] == nil || repo == nil {
		r.notFound()
		return
	}
	uuid := r.param("policy_uuid")
	owner, p := s.repoPolicyByName(name, uuid)
	if p == nil {
		r.notFound()
		return
	}
	if owner.namespace != ns {
		r.internalError()
		return
	}
	owner.autoprunePolicies = withoutAutoPrunePolicy(owner.autoprunePolicies, uuid)
	r.logAction("delete_repository_autoprune_policy", ns, map[string]any{"policy_uuid": uuid, "namespace": ns, "repo": name})
	r.ok(200, map[string]any{"uuid": uuid})
}

// AllAutoPrunePolicies lists every auto-prune policy as "<namespace>/<uuid>"
// or "<namespace>/<repository>/<uuid>", sorted, for soak comparisons.
func (s *Server) AllAutoPrunePolicies() []string {
	return s.namespaceAndRepoKeys(
		func(n *namespace) []string {
			return uuidsOf(n.autoprunePolicies, func(p *autoprunePolicy) string { return p.uuid })
		},
		func(r *repository) []string {
			return uuidsOf(r.autoprunePolicies, func(p *autoprunePolicy) string { return p.uuid })
		})
}

// cosignTag is COSIGN_TAG_SCHEMA_PATTERN: signature, attestation and SBOM
// tags, which auto-prune leaves alone.
var cosignTag = regexp.MustCompile(`^sha256-[a-f0-9]{64}\.(sig|att|sbom)$`)

// RunAutoPrune applies every auto-prune policy now, as one pass of Quay's
// auto-prune worker over every namespace: in a namespace with namespace
// policies, each NORMAL repository gets those and its own policies, the
// creation_date ones first, then number_of_tags; in a namespace with only
// repository policies, they run in that order too, and a policy of a
// repository that is not NORMAL stops the namespace's run, as the worker's
// task fails there. Immutable tags and cosign tags are never pruned; a
// pattern is searched (not anchored) in the tag name, and a pattern that
// does not compile stops the namespace's run. Without FEATURE_AUTO_PRUNE
// nothing runs. It returns the pruned tags as "namespace/repository:tag",
// sorted.
func (s *Server) RunAutoPrune() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.cfg.Features.AutoPrune {
		return nil // the worker does not run without FEATURE_AUTO_PRUNE
	}
	names := make([]string, 0, len(s.state.namespaces))
	for name := range s.state.namespaces {
		names = append(names, name)
	}
	sort.Strings(names)
	var pruned []string
	for _, name := range names {
		pruned = append(pruned, s.pruneNamespace(s.state.namespaces[name])...)
	}
	sort.Strings(pruned)
	return pruned
}

// pruneNamespace runs one namespace's auto-prune task.
func (s *Server) pruneNamespace(n *namespace) []string {
	if !n.isOrg && !n.enabled {
		return nil
	}
	var pruned []string
	repos := namespaceRepos(n)
	byMethod := func(policies []*autoprunePolicy, method string) []*autoprunePolicy {
		var out []*autoprunePolicy
		for _, p := range policies {
			if p.method == method {
				out = append(out, p)
			}
		}
		return out
	}
	if len(n.autoprunePolicies) > 0 {
		for _, repo := range repos {
			if repo.state != "NORMAL" {
				continue
			}
			all := append(append([]*autoprunePolicy{}, n.autoprunePolicies...), repo.autoprunePolicies...)
			for _, method := range []string{autoPruneMethodDate, autoPruneMethodNumber} {
				for _, p := range byMethod(all, method) {
					got, ok := s.prunePolicy(repo, p)
					if !ok {
						return pruned
					}
					pruned = append(pruned, got...)
				}
			}
		}
		return pruned
	}
	for _, method := range []string{autoPruneMethodDate, autoPruneMethodNumber} {
		for _, repo := range repos {
			for _, p := range byMethod(repo.autoprunePolicies, method) {
				if repo.state != "NORMAL" {
					return pruned
				}
				got, ok := s.prunePolicy(repo, p)
				if !ok {
					return pruned
				}
				pruned = append(pruned, got...)
			}
		}
	}
	return pruned
}

// prunePolicy deletes the tags of repo that p selects; ok is false when
// the policy cannot run (its pattern does not compile).
func (s *Server) prunePolicy(repo *repository, p *autoprunePolicy) (pruned []string, ok bool) {
	var re *regexp.Regexp
	if p.tagPattern != nil {
		var err error
		if re, err = regexp.Compile(*p.tagPattern); err != nil {
			return nil, false
		}
	}
	now := nowMillis()
	var candidates []*repoTag
	for _, t := range repo.liveTags(now) {
		if t.immutable || cosignTag.MatchString(t.name) {
			continue
		}
		if re != nil && re.MatchString(t.name) != p.matches {
			continue
		}
		candidates = append(candidates, t)
	}
	var doomed []*repoTag
	switch p.method {
	case autoPruneMethodDate:
		value, _ := p.value.(string)
		age, _, _ := parseTimedelta(value)
		for _, t := range candidates {
			if now.Sub(t.start) > age {
				doomed = append(doomed, t)
			}
		}
	case autoPruneMethodNumber:
		value, _ := p.value.(json.Number)
		keep, ok := new(big.Int).SetString(string(value), 10)
		if !ok {
			break
		}
		if keep.IsInt64() && keep.Int64() < int64(len(candidates)) {
			doomed = candidates[keep.Int64():]
		}
	}
	for _, t := range doomed {
		repo.endTag(t, now)
		s.state.logs = append(s.state.logs, &logEntry{
			kind: "autoprune_tag_delete", account: repo.namespace, accountOrg: s.state.namespaces[repo.namespace].isOrg,
			metadata: map[string]any{"performer": "autoprune worker", "namespace": repo.namespace, "repo": repo.name, "tag": t.name},
			at:       time.Now().UTC(),
		})
		pruned = append(pruned, repo.namespace+"/"+repo.name+":"+t.name)
	}
	return pruned, true
}

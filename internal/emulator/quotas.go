package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// quota is a namespace's storage quota (one per namespace, quay-api.md §9).
type quota struct {
	id         int64
	limitBytes int64
	limits     []*quotaLimit // in creation order
}

// quotaLimit is a Warning or Reject threshold; ids are globally unique.
type quotaLimit struct {
	id      int64
	kind    string // "Warning" or "Reject"
	percent int64
}

// quotaEnabled reports whether Quay registers its quota endpoints (§9).
func (s *Server) quotaEnabled() bool {
	f := s.cfg.Features
	return f.QuotaManagement && f.EditQuota
}

// registerQuotaRoutes adds the organization and superuser quota paths.
// Both families need FEATURE_SUPER_USERS as well as the quota flags.
func (s *Server) registerQuotaRoutes(rt *router) {
	const org = "/api/v1/organization/{orgname}/quota" // Quay names the parameter orgname here
	rt.handle("GET", org, s.orgListQuotas)
	rt.handle("POST", org, s.orgCreateQuota)
	rt.handle("GET", org+"/{quota_id}", s.orgGetQuota)
	rt.handle("PUT", org+"/{quota_id}", s.orgUpdateQuota)
	rt.handle("DELETE", org+"/{quota_id}", s.orgDeleteQuota)
	rt.handle("GET", org+"/{quota_id}/limit", s.listQuotaLimits)
	rt.handle("POST", org+"/{quota_id}/limit", s.createQuotaLimit)
	rt.handle("GET", org+"/{quota_id}/limit/{limit_id}", s.getQuotaLimit)
	rt.handle("PUT", org+"/{quota_id}/limit/{limit_id}", s.updateQuotaLimit)
	rt.handle("DELETE", org+"/{quota_id}/limit/{limit_id}", s.deleteQuotaLimit)
	// Both superuser prefixes run the same code and accept users and orgs.
	for _, su := range []string{"/api/v1/superuser/organization/{namespace}/quota", "/api/v1/superuser/users/{namespace}/quota"} {
		rt.handle("GET", su, s.suListQuotas)
		rt.handle("POST", su, s.suCreateQuota)
		rt.handle("PUT", su+"/{quota_id}", s.suUpdateQuota)
		rt.handle("DELETE", su+"/{quota_id}", s.suDeleteQuota)
	}
}

// namespaceQuotaViews is the short quota form embedded in org and user views.
func (s *Server) namespaceQuotaViews(ns *namespace) []any {
	if ns.quota == nil {
		return []any{}
	}
	return []any{map[string]any{"id": ns.quota.id, "limit_bytes": ns.quota.limitBytes, "limits": limitViews(ns.quota)}}
}

// quotaReport is the "quota_report" object of org and user views.
func (s *Server) quotaReport(ns *namespace) map[string]any {
	var configured any
	if ns.quota != nil {
		configured = ns.quota.limitBytes
	}
	return map[string]any{
		"quota_bytes":      ns.usedBytes,
		"configured_quota": configured,
		"running_backfill": "complete",
		"backfill_status":  "complete",
	}
}

// SetNamespaceUsage sets the storage a namespace reports as used, for tests.
func (s *Server) SetNamespaceUsage(name string, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ns := s.state.namespaces[name]; ns != nil {
		ns.usedBytes = bytes
	}
}

func limitViews(q *quota) []any {
	out := []any{}
	for _, l := range q.limits {
		out = append(out, limitView(l))
	}
	return out
}

func limitView(l *quotaLimit) map[string]any {
	return map[string]any{"id": l.id, "type": l.kind, "limit_percent": l.percent}
}

// quotaView is the full quota view of the /quota endpoints.
func quotaView(q *quota) map[string]any {
	return map[string]any{
		"id":                    q.id,
		"limit_bytes":           q.limitBytes,
		"limit":                 humanBinary(q.limitBytes),
		"default_config":        false,
		"limits":                limitViews(q),
		"default_config_exists": false,
	}
}

func quotaList(ns *namespace) []any {
	if ns.quota == nil {
		return []any{}
	}
	return []any{quotaView(ns.quota)}
}

// humanBinary renders bytes as Quay does in "limit": the best binary
// prefix with one decimal ("10.0 GiB", "953.7 MiB", "500.0 Byte").
func humanBinary(b int64) string {
	units := []string{"Byte", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(b)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// Quay's pattern for the "limit" string; "B" matches but is refused later.
var quotaLimitPattern = regexp.MustCompile(`^(\d+\s?(B|KiB|MiB|GiB|TiB|PiB|EiB|ZiB|YiB|Ki|Mi|Gi|Ti|Pi|Ei|Zi|Yi|KB|MB|GB|TB|PB|EB|ZB|YB|K|M|G|T|P|E|Z|Y)?)$`)

// The two endpoint families word an unparsable "limit" differently.
const (
	invalidLimitFormat   = "Invalid limit format, use a number followed by a unit (e.g. 1GiB)"
	invalidLimitFormatSU = "Invalid limit format"
)

// parseLimitString converts a "limit" string to bytes. tooBig is set for
// sizes beyond what Quay stores.
func parseLimitString(s string) (n int64, valid, tooBig bool) {
	m := quotaLimitPattern.FindStringSubmatch(s)
	if m == nil || m[2] == "B" {
		return 0, false, false
	}
	unit := m[2]
	digits := strings.TrimSpace(strings.TrimSuffix(s, unit))
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return 0, false, false
	}
	if unit != "" {
		base := int64(1000)
		if strings.Contains(unit, "i") {
			base = 1024
		}
		power := strings.Index("KMGTPEZY", unit[:1]) + 1
		v.Mul(v, new(big.Int).Exp(big.NewInt(base), big.NewInt(int64(power)), nil))
	}
	if !v.IsInt64() {
		return 0, true, true
	}
	return v.Int64(), true, false
}

// The quota body schemas of the org and superuser quota endpoints, in
// their declared key order (endpoints/api/namespacequota.py NewOrgQuota and
// UpdateOrgQuota; endpoints/api/superuser.py declares the same twice). The
// descriptions matter: a body valid under two branches is refused with a
// message that prints both.
const (
	quotaBytesProperty = `"limit_bytes": {"type": "integer", "description": "Number of bytes the organization is allowed"}`
	quotaLimitProperty = `"limit": {"type": "string", "description": "Human readable storage capacity of the organization", ` +
		`"pattern": "^(\\d+\\s?(B|KiB|MiB|GiB|TiB|PiB|EiB|ZiB|YiB|Ki|Mi|Gi|Ti|Pi|Ei|Zi|Yi|KB|MB|GB|TB|PB|EB|ZB|YB|K|M|G|T|P|E|Z|Y)?)$"}`
)

var (
	newQuotaSchema = mustSchema(`{"type": "object", "description": "Description of a new organization quota", "oneOf": [
		{"required": ["limit_bytes"], "properties": {` + quotaBytesProperty + `}},
		{"required": ["limit"], "properties": {` + quotaLimitProperty + `}}]}`)
	updateQuotaSchema = mustSchema(`{"type": "object", "description": "Description of a new organization quota", "oneOf": [
		{"properties": {` + quotaBytesProperty + `}, "required": ["limit_bytes"], "additionalProperties": false},
		{"properties": {` + quotaLimitProperty + `}, "required": ["limit"], "additionalProperties": false},
		{"properties": {"limit_bytes": {"not": {}}, "limit": {"not": {}}}, "additionalProperties": false}]}`)
)

// quotaBody reads a quota create or update body and checks its schema,
// which Quay does before anything else.
func (r *request) quotaBody(update bool) (map[string]json.RawMessage, bool) {
	sch := newQuotaSchema
	if update {
		sch = updateQuotaSchema
	}
	var body map[string]json.RawMessage
	return body, r.decodeValidBody(sch, &body)
}

// quotaSize is the size a schema-valid quota body asks for.
type quotaSize struct {
	given  bool   // the body names a size
	bytes  int64  // the size, when it fits
	text   string // the size as Python prints it in messages
	tooBig bool   // beyond what Quay's database column holds
}

// requestedQuotaSize works the size out as the endpoints do after their
// permission check: "limit" wins when both keys are present (the schema
// lets that through when only one of them is valid). badFormat is the
// endpoint's message for a "limit" it cannot parse; ok is false once the
// request is answered.
func (r *request) requestedQuotaSize(body map[string]json.RawMessage, badFormat string) (quotaSize, bool) {
	if _, has := body["limit"]; has {
		text, _, isString := getString(body, "limit")
		n, valid, tooBig := parseLimitString(text)
		if !isString || !valid {
			r.invalidRequest(badFormat)
			return quotaSize{}, false
		}
		// bitmath hands the model a float, so messages print one.
		return quotaSize{given: true, bytes: n, text: pyNumber(strconv.FormatInt(n, 10) + ".0"), tooBig: tooBig}, true
	}
	raw, has := body["limit_bytes"]
	if !has {
		return quotaSize{}, true
	}
	size := quotaSize{given: true, text: pyRepr(raw)}
	lit := strings.TrimSpace(string(raw))
	if isFloatLiteral(lit) { // an integral float passes the schema's "integer"
		f, _ := strconv.ParseFloat(lit, 64)
		size.tooBig = f > math.MaxInt64
		size.bytes = int64(f)
		return size, true
	}
	n, _ := new(big.Int).SetString(lit, 10)
	size.tooBig = n.Sign() > 0 && !n.IsInt64()
	size.bytes = n.Int64()
	return size, true
}

// isZero says whether Python reads the size as false, which the update
// endpoints take as "no change".
func (q quotaSize) isZero() bool { return !q.given || (q.bytes == 0 && !q.tooBig) }

// checkQuotaSize is the model's check on a new size
// (data/model/namespacequota.py), answered as the endpoints catch it.
func (r *request) checkQuotaSize(q quotaSize) bool {
	switch {
	case q.tooBig:
		r.invalidRequest("Unsupported quota size limit.")
	case q.bytes <= 0:
		r.invalidRequest("Invalid quota size limit value: '" + q.text + "'")
	default:
		return true
	}
	return false
}

// quotaByID returns the namespace's quota when its id matches the path.
func quotaByID(ns *namespace, raw string) *quota {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ns == nil || ns.quota == nil || ns.quota.id != id {
		return nil
	}
	return ns.quota
}

// before316 reports whether a "major.minor[.patch]" version is older than
// 3.16; unreadable versions count as new.
func before316(v string) bool {
	var major, minor int
	if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major < 3 || (major == 3 && minor < 16)
}

// Organization path (§9.2). Reads: org members and full-access superusers.
// Writes: full-access superusers only (Quay 3.16+). The permission check
// runs before the namespace is looked up.

func (s *Server) canReadQuota(c caller, ns *namespace) bool {
	return c.fullAccess || s.isOrgMember(c, ns)
}

// orgQuotaAllowed is the org path's permission check, answered when it fails.
func (s *Server) orgQuotaAllowed(r *request, write bool) bool {
	// Writes need a full-access superuser since 3.16; before, any superuser.
	allowed := r.caller.fullAccess || (r.caller.superuser && before316(s.cfg.Version))
	if !write {
		allowed = s.canReadQuota(r.caller, s.state.namespaces[r.param("orgname")])
	}
	if !allowed {
		r.forbidden()
	}
	return allowed
}

// orgQuotaNamespace checks rights and loads the namespace; users are
// accepted only where Quay accepts them (by-id and limit calls).
func (s *Server) orgQuotaNamespace(r *request, write, orgOnly bool) *namespace {
	if !s.orgQuotaAllowed(r, write) {
		return nil
	}
	ns := s.state.namespaces[r.param("orgname")]
	if ns == nil || (orgOnly && !ns.isOrg) {
		r.notFound()
		return nil
	}
	return ns
}

func (s *Server) orgListQuotas(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.orgQuotaNamespace(r, false, true)
	if ns == nil {
		return
	}
	r.ok(200, quotaList(ns))
}

// POST: schema, permission, "limit" parsing, org lookup, one-quota rule,
// size check, in Quay's order (endpoints/api/namespacequota.py).
func (s *Server) orgCreateQuota(r *request) {
	body, ok := r.quotaBody(false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgQuotaAllowed(r, true) {
		return
	}
	size, ok := r.requestedQuotaSize(body, invalidLimitFormat)
	if !ok {
		return
	}
	ns := s.orgQuotaNamespace(r, true, true)
	if ns == nil {
		return
	}
	if ns.quota != nil {
		r.invalidRequest(fmt.Sprintf("Organization quota for '%s' already exists", ns.name))
		return
	}
	if !r.checkQuotaSize(size) {
		return
	}
	ns.quota = &quota{id: s.state.newID(), limitBytes: size.bytes}
	r.logAction("org_create_quota", ns.name, map[string]any{"namespace": ns.name, "limit_bytes": size.bytes, "limit": humanBinary(size.bytes)})
	r.ok(http.StatusCreated, "Created")
}

func (s *Server) orgGetQuota(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.orgQuotaNamespace(r, false, false)
	if ns == nil {
		return
	}
	q := quotaByID(ns, r.param("quota_id"))
	if q == nil {
		r.notFound()
		return
	}
	r.ok(200, quotaView(q))
}

func (s *Server) orgUpdateQuota(r *request) {
	body, ok := r.quotaBody(true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.orgQuotaNamespace(r, true, false)
	if ns == nil {
		return
	}
	q := quotaByID(ns, r.param("quota_id"))
	var previous int64
	if q != nil {
		previous = q.limitBytes
	}
	s.resizeQuota(r, ns, body, invalidLimitFormat)
	if q != nil && q.limitBytes != previous { // only the org path logs (namespacequota.py)
		r.logAction("org_change_quota", ns.name, map[string]any{"namespace": ns.name, "limit_bytes": q.limitBytes, "limit": humanBinary(q.limitBytes),
			"previous_limit_bytes": previous, "previous_limit": humanBinary(previous)})
	}
}

// resizeQuota is the rest of both PUTs once the caller may write: find the
// quota, parse the size, and apply it unless it reads as zero (Python's
// "if limit_bytes:"), answering with the quota view.
func (s *Server) resizeQuota(r *request, ns *namespace, body map[string]json.RawMessage, badFormat string) {
	q := quotaByID(ns, r.param("quota_id"))
	if q == nil {
		r.notFound()
		return
	}
	size, ok := r.requestedQuotaSize(body, badFormat)
	if !ok {
		return
	}
	if !size.isZero() {
		if !r.checkQuotaSize(size) {
			return
		}
		q.limitBytes = size.bytes
	}
	r.ok(200, quotaView(q))
}

func (s *Server) orgDeleteQuota(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.orgQuotaNamespace(r, true, false)
	if ns == nil {
		return
	}
	q := quotaByID(ns, r.param("quota_id"))
	if q == nil {
		r.notFound()
		return
	}
	ns.quota = nil
	r.logAction("org_delete_quota", ns.name, map[string]any{"namespace": ns.name, "quota_id": q.id, "limit_bytes": q.limitBytes, "limit": humanBinary(q.limitBytes)})
	r.noContent()
}

// Limits (organization path only).

func (s *Server) limitQuota(r *request, write bool) *quota {
	ns := s.orgQuotaNamespace(r, write, false)
	if ns == nil {
		return nil
	}
	q := quotaByID(ns, r.param("quota_id"))
	if q == nil {
		r.notFound()
	}
	return q
}

func (s *Server) listQuotaLimits(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.limitQuota(r, false); q != nil {
		r.ok(200, limitViews(q))
	}
}

// normalizeLimitType accepts Warning/Reject in any case.
func normalizeLimitType(t string) (string, bool) {
	switch strings.ToLower(t) {
	case "warning":
		return "Warning", true
	case "reject":
		return "Reject", true
	}
	return "", false
}

const (
	limitTypeMessage      = "Quota type must be one of [Warning, Reject]"
	limitThresholdMessage = "Quota limit threshold must be between 1 and 100"
)

func (s *Server) createQuotaLimit(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeBody(&body) {
		return
	}
	kind, present, ok := getString(body, "type")
	if !present {
		r.schemaError("'type' is a required property")
		return
	}
	if !ok {
		r.schemaError(typeError(body, "type", "string"))
		return
	}
	pct, present, ok := getInt(body, "threshold_percent")
	if !present {
		r.schemaError("'threshold_percent' is a required property")
		return
	}
	if !ok {
		r.schemaError(typeError(body, "threshold_percent", "integer"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.limitQuota(r, true)
	if q == nil {
		return
	}
	if pct == 0 {
		r.invalidRequest(limitThresholdMessage) // caught by the endpoint: problem JSON
		return
	}
	norm, valid := normalizeLimitType(kind)
	if !valid {
		r.modelError(limitTypeMessage)
		return
	}
	if pct < 1 || pct > 100 {
		r.modelError(limitThresholdMessage)
		return
	}
	for _, l := range q.limits {
		if l.kind == norm && l.percent == pct {
			r.invalidRequest("Quota limit already exists")
			return
		}
	}
	q.limits = append(q.limits, &quotaLimit{id: s.state.newID(), kind: norm, percent: pct})
	org := r.param("orgname")
	r.logAction("org_create_quota_limit", org, map[string]any{"namespace": org, "type": kind, "threshold_percent": pct})
	r.ok(http.StatusCreated, "Created")
}

// findLimit looks a limit up by id across all quotas, with its quota.
func (s *Server) findLimit(raw string) (*quota, *quotaLimit) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, nil
	}
	for _, ns := range s.state.namespaces {
		if ns.quota == nil {
			continue
		}
		for _, l := range ns.quota.limits {
			if l.id == id {
				return ns.quota, l
			}
		}
	}
	return nil, nil
}

func (s *Server) getQuotaLimit(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.limitQuota(r, false)
	if q == nil {
		return
	}
	owner, l := s.findLimit(r.param("limit_id"))
	if l == nil || owner != q {
		r.notFound()
		return
	}
	r.ok(200, limitView(l))
}

func (s *Server) updateQuotaLimit(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeBody(&body) {
		return
	}
	kind, hasKind, ok := getString(body, "type")
	if !ok {
		r.schemaError(typeError(body, "type", "string"))
		return
	}
	pct, hasPct, ok := getInt(body, "threshold_percent")
	if !ok {
		r.schemaError(typeError(body, "threshold_percent", "integer"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.limitQuota(r, true)
	if q == nil {
		return
	}
	owner, l := s.findLimit(r.param("limit_id"))
	if l == nil {
		r.notFound()
		return
	}
	if owner != q {
		r.modelError("") // Quay's model raises without a message here
		return
	}
	norm := l.kind
	if hasKind {
		var valid bool
		if norm, valid = normalizeLimitType(kind); !valid {
			r.modelError(limitTypeMessage)
			return
		}
	}
	if hasPct && (pct < 1 || pct > 100) {
		r.modelError(limitThresholdMessage)
		return
	}
	previousType, previousPct := l.kind, l.percent
	l.kind = norm
	if hasPct {
		l.percent = pct
	}
	if !hasKind {
		kind = previousType
	}
	org := r.param("orgname")
	r.logAction("org_change_quota_limit", org, map[string]any{"namespace": org, "type": kind, "threshold_percent": l.percent,
		"previous_type": previousType, "previous_threshold_percent": previousPct})
	r.ok(200, quotaView(q)) // the whole quota, not the limit
}

func (s *Server) deleteQuotaLimit(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.limitQuota(r, true)
	if q == nil {
		return
	}
	owner, l := s.findLimit(r.param("limit_id"))
	if l == nil || owner != q {
		r.notFound()
		return
	}
	out := q.limits[:0]
	for _, x := range q.limits {
		if x != l {
			out = append(out, x)
		}
	}
	q.limits = out
	org := r.param("orgname")
	r.logAction("org_delete_quota_limit", org, map[string]any{"namespace": org, "limit_id": l.id, "type": l.kind, "threshold_percent": l.percent})
	r.noContent()
}

// Superuser paths (§9.3): any superuser, users and orgs, no limits. A
// missing namespace is a 404 on list but an unhandled 500 on writes.

func (s *Server) suNamespace(r *request, write bool) *namespace {
	if !r.caller.superuser {
		r.forbidden()
		return nil
	}
	ns := s.state.namespaces[r.param("namespace")]
	if ns == nil {
		if write {
			writeHTML(r.w, http.StatusInternalServerError, "Internal Server Error")
		} else {
			r.notFound()
		}
		return nil
	}
	return ns
}

func (s *Server) suListQuotas(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ns := s.suNamespace(r, false); ns != nil {
		r.ok(200, quotaList(ns))
	}
}

// POST: schema, permission, "limit" parsing, namespace lookup, one-quota
// rule, size check (endpoints/api/superuser.py, SuperUserUserQuotaList).
func (s *Server) suCreateQuota(r *request) {
	body, ok := r.quotaBody(false)
	if !ok {
		return
	}
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	size, ok := r.requestedQuotaSize(body, invalidLimitFormatSU)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.suNamespace(r, true)
	if ns == nil {
		return
	}
	if ns.quota != nil {
		r.invalidRequest(fmt.Sprintf("Quota for '%s' already exists", ns.name))
		return
	}
	if !r.checkQuotaSize(size) {
		return
	}
	ns.quota = &quota{id: s.state.newID(), limitBytes: size.bytes}
	r.ok(http.StatusCreated, "Created")
}

func (s *Server) suUpdateQuota(r *request) {
	body, ok := r.quotaBody(true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.suNamespace(r, true)
	if ns == nil {
		return
	}
	s.resizeQuota(r, ns, body, invalidLimitFormatSU)
}

func (s *Server) suDeleteQuota(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.suNamespace(r, true)
	if ns == nil {
		return
	}
	if quotaByID(ns, r.param("quota_id")) == nil {
		r.notFound()
		return
	}
	ns.quota = nil
	r.noContent()
}

// Quotas describes every quota as "namespace:limit_bytes:Type/percent,...",
// limits sorted, for test assertions.
func (s *Server) Quotas() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		if ns.quota == nil {
			continue
		}
		var limits []string
		for _, l := range ns.quota.limits {
			limits = append(limits, fmt.Sprintf("%s/%d", l.kind, l.percent))
		}
		sort.Strings(limits)
		out = append(out, fmt.Sprintf("%s:%d:%s", ns.name, ns.quota.limitBytes, strings.Join(limits, ",")))
	}
	sort.Strings(out)
	return out
}

package emulator

import (
	"encoding/json"
	"fmt"
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
	const org = "/api/v1/organization/{namespace}/quota"
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

const invalidLimitFormat = "Invalid limit format, use a number followed by a unit (e.g. 1GiB)"

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

// quotaSize reads {limit_bytes} or {limit} from a create or update body.
// It answers the request itself on failure (ok false). set is false for an
// update that changes nothing, including Quay's silently ignored 0.
func (r *request) quotaSize(body map[string]json.RawMessage, update bool) (bytes int64, set, ok bool) {
	for k := range body {
		if k != "limit_bytes" && k != "limit" {
			r.schemaError(fmt.Sprintf("Additional properties are not allowed ('%s' was unexpected)", k))
			return 0, false, false
		}
	}
	_, hasBytes := body["limit_bytes"]
	_, hasLimit := body["limit"]
	switch {
	case hasBytes && hasLimit:
		r.schemaError(compactJSON(body) + " is valid under each of {'required': ['limit']}, {'required': ['limit_bytes']}")
		return 0, false, false
	case !hasBytes && !hasLimit:
		if update {
			return 0, false, true
		}
		r.schemaError("{} is not valid under any of the given schemas")
		return 0, false, false
	case hasBytes:
		n, _, okType := getInt(body, "limit_bytes")
		if !okType {
			r.schemaError(typeError(body, "limit_bytes", "integer"))
			return 0, false, false
		}
		if update && n == 0 {
			return 0, false, true // Quay ignores 0 on update without a word
		}
		if n <= 0 {
			r.invalidRequest(fmt.Sprintf("Invalid quota size limit value: '%d'", n))
			return 0, false, false
		}
		return n, true, true
	default:
		s, _, okType := getString(body, "limit")
		if !okType {
			r.schemaError(typeError(body, "limit", "string"))
			return 0, false, false
		}
		n, valid, tooBig := parseLimitString(s)
		switch {
		case !valid:
			r.invalidRequest(invalidLimitFormat)
			return 0, false, false
		case tooBig:
			r.invalidRequest("Unsupported quota size limit.")
			return 0, false, false
		case n <= 0:
			r.invalidRequest(fmt.Sprintf("Invalid quota size limit value: '%d'", n))
			return 0, false, false
		}
		return n, true, true
	}
}

func compactJSON(body map[string]json.RawMessage) string {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("'%s': %s", k, strings.TrimSpace(string(body[k]))))
	}
	return "{" + strings.Join(parts, ", ") + "}"
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

// orgQuotaNamespace checks rights and loads the namespace; users are
// accepted only where Quay accepts them (by-id and limit calls).
func (s *Server) orgQuotaNamespace(r *request, write, orgOnly bool) *namespace {
	ns := s.state.namespaces[r.param("namespace")]
	// Writes need a full-access superuser since 3.16; before, any superuser.
	allowed := r.caller.fullAccess || (r.caller.superuser && before316(s.cfg.Version))
	if !write {
		allowed = s.canReadQuota(r.caller, ns)
	}
	if !allowed {
		r.forbidden()
		return nil
	}
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

func (s *Server) orgCreateQuota(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeBody(&body) {
		return
	}
	n, _, ok := r.quotaSize(body, false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.orgQuotaNamespace(r, true, true)
	if ns == nil {
		return
	}
	if ns.quota != nil {
		r.invalidRequest(fmt.Sprintf("Organization quota for '%s' already exists", ns.name))
		return
	}
	ns.quota = &quota{id: s.state.newID(), limitBytes: n}
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
	var body map[string]json.RawMessage
	if !r.decodeBody(&body) {
		return
	}
	n, set, ok := r.quotaSize(body, true)
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
	if q == nil {
		r.notFound()
		return
	}
	if set {
		q.limitBytes = n
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
	if quotaByID(ns, r.param("quota_id")) == nil {
		r.notFound()
		return
	}
	ns.quota = nil
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
	l.kind = norm
	if hasPct {
		l.percent = pct
	}
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

func (s *Server) suCreateQuota(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeBody(&body) {
		return
	}
	n, _, ok := r.quotaSize(body, false)
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
	ns.quota = &quota{id: s.state.newID(), limitBytes: n}
	r.ok(http.StatusCreated, "Created")
}

func (s *Server) suUpdateQuota(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeBody(&body) {
		return
	}
	n, set, ok := r.quotaSize(body, true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.suNamespace(r, true)
	if ns == nil {
		return
	}
	q := quotaByID(ns, r.param("quota_id"))
	if q == nil {
		r.notFound()
		return
	}
	if set {
		q.limitBytes = n
	}
	r.ok(200, quotaView(q))
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

package emulator

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Superuser inventory (quay-api.md §11): the organization list and the
// registry size. Quay marks both internal (hidden from discovery); the
// emulator lists them there with the other routes.

func (s *Server) registerSuperuserRoutes(rt *router) {
	rt.handle("GET", "/api/v1/superuser/organizations/", s.listAllOrganizations)
	rt.handle("GET", "/api/v1/superuser/registrysize/", s.getRegistrySize)
	rt.handle("POST", "/api/v1/superuser/registrysize/", s.queueRegistrySize)
}

// registrySize is the last registry size computation (a worker's result).
type registrySize struct {
	computed  bool
	sizeBytes int64
	completed time.Time
	queued    bool
	running   bool
}

// GET /api/v1/superuser/organizations/ (§11.1). Without limit, every
// organization in one answer; with limit (at most 100), pages in creation
// order with an opaque next_page token. A token Quay cannot read is taken
// as "first page", as Quay does.
func (s *Server) listAllOrganizations(r *request) {
	if !r.requireSuperuser() {
		return
	}
	limit, paged, ok := r.pageLimit()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var orgs []*namespace
	for _, ns := range s.state.namespaces {
		if ns.isOrg {
			orgs = append(orgs, ns)
		}
	}
	sort.Slice(orgs, func(i, j int) bool { return createdBefore(orgs[i], orgs[j]) })
	start := 0
	if paged {
		if after, ok := decodeOrgPageToken(r.URL.Query().Get("next_page")); ok {
			start = sort.Search(len(orgs), func(i int) bool { return !createdBefore(orgs[i], after) })
		}
	}
	end := len(orgs)
	var next string
	if paged && start+limit < len(orgs) {
		end = start + limit
		next = encodeOrgPageToken(orgs[end])
	}
	views := make([]any, 0, end-start)
	for _, org := range orgs[start:end] {
		v := map[string]any{"name": org.name, "email": org.email, "avatar": avatar(org.name, "org")}
		if s.quotaEnabled() {
			v["quotas"] = s.namespaceQuotaViews(org)
			v["quota_report"] = s.quotaReport(org)
		}
		views = append(views, v)
	}
	body := map[string]any{"organizations": views}
	if next != "" {
		body["next_page"] = next
	}
	r.ok(200, body)
}

// pageLimit reads the superuser lists' optional limit (at most 100).
func (r *request) pageLimit() (limit int, given, ok bool) {
	raw := r.URL.Query().Get("limit")
	if raw == "" {
		return 0, false, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		// flask-restful's argument parser answers for Quay here.
		writeJSON(r.w, 400, map[string]any{"message": map[string]any{
			"limit": "Limit to the number of results to return per page. Max 100. invalid literal for int() with base 10: '" + raw + "'",
		}})
		return 0, false, false
	}
	if n > 100 {
		r.invalidRequest("Page limit cannot be above 100")
		return 0, false, false
	}
	if n < 1 {
		n = 1
	}
	return n, true, true
}

func createdBefore(a, b *namespace) bool {
	if !a.created.Equal(b.created) {
		return a.created.Before(b.created)
	}
	return a.name < b.name
}

// Page tokens are opaque to clients (Quay encrypts its own); the
// emulator's name the first entry of the next page.
func encodeOrgPageToken(ns *namespace) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ns.created.UnixNano(), 10) + ":" + ns.name))
}

func decodeOrgPageToken(tok string) (*namespace, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, false
	}
	nanos, name, found := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(nanos, 10, 64)
	if !found || err != nil {
		return nil, false
	}
	return &namespace{name: name, created: time.Unix(0, n)}, true
}

// GET /api/v1/superuser/registrysize/ (§11.4).
func (s *Server) getRegistrySize(r *request) {
	if !r.requireSuperuser() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.state.registrySize
	if !rs.computed && !rs.queued && !rs.running {
		r.ok(200, map[string]any{"size_bytes": 0, "last_ran": nil, "running": false, "queued": false})
		return
	}
	var lastRan any
	if rs.computed {
		lastRan = rs.completed.UnixMilli()
	}
	r.ok(200, map[string]any{"size_bytes": rs.sizeBytes, "last_ran": lastRan, "queued": rs.queued, "running": rs.running})
}

// POST /api/v1/superuser/registrysize/ (§11.4): queues a computation,
// which RunRegistrySizeWorker carries out. 202 when one is queued already.
func (s *Server) queueRegistrySize(r *request) {
	if !r.requireSuperuser() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.registrySize.queued {
		r.ok(202, "")
		return
	}
	s.state.registrySize.queued = true
	r.ok(201, "")
}

// RunRegistrySizeWorker computes the registry size as Quay's worker does
// for a queued request: the sum of the namespaces' storage use.
func (s *Server) RunRegistrySizeWorker() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var total int64
	for _, ns := range s.state.namespaces {
		total += ns.usedBytes
	}
	s.state.registrySize = registrySize{computed: true, sizeBytes: total, completed: time.Now()}
}

// SetRegistrySize sets the registry size Quay reports, for tests.
func (s *Server) SetRegistrySize(sizeBytes int64, completed time.Time, queued, running bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.registrySize = registrySize{computed: !completed.IsZero(), sizeBytes: sizeBytes, completed: completed, queued: queued, running: running}
}

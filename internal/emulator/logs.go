package emulator

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Usage (audit) logs (quay-api.md §23; Quay's endpoints/api/logs.py,
// SuperUserLogs in endpoints/api/superuser.py, data/logs_model). Every
// write the emulator serves records the entries Quay's handler logs, with
// Quay's kinds and metadata, through logAction.

// logEntry is one row of Quay's log table.
type logEntry struct {
	kind       string
	account    string // the namespace the entry belongs to
	accountOrg bool
	performer  string // "" when nobody is authenticated
	ip         string
	metadata   map[string]any
	at         time.Time
}

// logsPageSize is the page size of Quay's table logs model.
const logsPageSize = 20

func (s *Server) registerLogRoutes(rt *router) {
	rt.handle("GET", "/api/v1/organization/{orgname}/logs", s.listOrgLogs)
	rt.handle("GET", "/api/v1/repository/{repository}/logs", s.listRepoLogs)
}

func (s *Server) registerSuperuserLogRoutes(rt *router) {
	rt.handle("GET", "/api/v1/superuser/logs", s.listAllLogs)
}

// logAction records a log entry as Quay's log_action does: performed by
// the caller, from the caller's address, in namespace (for "" the
// instance's first user, as Quay files service-level entries under
// SERVICE_LOG_ACCOUNT_ID or the lowest user id). Times in metadata are
// stored as Unix seconds, as Quay serializes them. Callers hold s.mu.
func (r *request) logAction(kind, namespace string, metadata map[string]any) {
	s := r.srv
	if metadata == nil {
		metadata = map[string]any{}
	}
	for k, v := range metadata {
		if t, ok := v.(time.Time); ok {
			metadata[k] = t.Unix()
		}
	}
	e := &logEntry{kind: kind, account: namespace, ip: clientIP(r.Request), metadata: metadata, at: time.Now().UTC()}
	if namespace == "" {
		e.account = s.firstUser()
	}
	if ns := s.state.namespaces[e.account]; ns != nil {
		e.accountOrg = ns.isOrg
	}
	if r.caller.user != nil {
		e.performer = r.caller.user.name
	}
	s.state.logs = append(s.state.logs, e)
}

// appLogMetadata is what Quay logs for an application create or update:
// the request's fields with the application's name and client id.
func appLogMetadata(a *application) map[string]any {
	m := map[string]any{
		"name": a.name, "application_uri": a.applicationURI, "redirect_uri": a.redirectURI, "description": a.description,
		"application_name": a.name, "client_id": a.clientID,
	}
	if a.avatarEmail != nil {
		m["avatar_email"] = *a.avatarEmail
	}
	return m
}

// logTime is an optional time as log metadata: Unix seconds, or null.
func logTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Unix()
}

// firstUser is the user with the lowest id (the earliest created).
func (s *Server) firstUser() string {
	var first *namespace
	for _, ns := range s.state.namespaces {
		if !ns.isOrg && (first == nil || createdBefore(ns, first)) {
			first = ns
		}
	}
	if first == nil {
		return ""
	}
	return first.name
}

// logRange parses starttime and endtime as Quay does: "%m/%d/%Y" in UTC,
// anything else ignored; a missing start is 24 hours ago, a missing end is
// now, and the end is pushed a day later, so that the end date is included.
func (r *request) logRange() (start, end time.Time) {
	now := time.Now().UTC()
	parse := func(name string) (time.Time, bool) {
		t, err := time.Parse("01/02/2006", r.URL.Query().Get(name))
		return t, err == nil
	}
	start, ok := parse("starttime")
	if !ok {
		start = now.Add(-24 * time.Hour)
	}
	end, ok = parse("endtime")
	if !ok {
		end = now
	}
	return start, end.Add(24 * time.Hour)
}

// logsPage answers one page of the entries that match, newest first, 20 a
// page. Like Quay's table model, it offers one more next_page after the
// last entries (for the next, empty log table), which answers no entries.
func (r *request) logsPage(match func(*logEntry) bool, includeNamespace bool) {
	start, end := r.logRange()
	var rows []*logEntry
	for _, e := range r.srv.state.logs {
		if !e.at.Before(start) && e.at.Before(end) && match(e) {
			rows = append(rows, e)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.After(rows[j].at) })
	offset, table := decodeLogPageToken(r.URL.Query().Get("next_page"))
	var next string
	if table > 0 {
		rows = nil
	} else {
		rows = rows[min(offset, len(rows)):]
		if len(rows) > logsPageSize {
			rows = rows[:logsPageSize]
			next = encodeLogPageToken(offset+logsPageSize, 0)
		} else {
			next = encodeLogPageToken(0, 1)
		}
	}
	views := make([]any, 0, len(rows))
	for _, e := range rows {
		views = append(views, e.view(includeNamespace))
	}
	body := map[string]any{"start_time": rfc2822(start), "end_time": rfc2822(end), "logs": views}
	if next != "" {
		body["next_page"] = next
	}
	r.ok(200, body)
}

func (e *logEntry) view(includeNamespace bool) map[string]any {
	v := map[string]any{"kind": e.kind, "metadata": e.metadata, "ip": e.ip, "datetime": rfc2822(e.at)}
	if e.performer != "" {
		v["performer"] = map[string]any{"kind": "user", "name": e.performer, "is_robot": strings.Contains(e.performer, "+"), "avatar": avatar(e.performer, "user")}
	}
	if includeNamespace && e.account != "" {
		kind := "user"
		if e.accountOrg {
			kind = "org"
		}
		v["namespace"] = map[string]any{"kind": kind, "name": e.account, "avatar": avatar(e.account, kind)}
	}
	return v
}

// rfc2822 is Quay's log date format (email.utils.formatdate).
func rfc2822(t time.Time) string { return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0000") }

// Log page tokens are opaque (Quay encrypts its own): an offset into the
// matching rows and the log table they belong to.
func encodeLogPageToken(offset, table int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + ":" + strconv.Itoa(table)))
}

func decodeLogPageToken(tok string) (offset, table int) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, 0
	}
	o, t, _ := strings.Cut(string(raw), ":")
	offset, err1 := strconv.Atoi(o)
	table, err2 := strconv.Atoi(t)
	if err1 != nil || err2 != nil || offset < 0 {
		return 0, 0
	}
	return offset, table
}

// GET /api/v1/superuser/logs: every entry of the instance, each with its
// namespace.
func (s *Server) listAllLogs(r *request) {
	if !r.requireSuperuser() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r.logsPage(func(*logEntry) bool { return true }, true)
}

// GET /api/v1/organization/{orgname}/logs: an organization's entries, for
// its admins and full-access superusers. A full-access superuser asking for
// an organization that does not exist meets Quay's uncaught "Invalid
// namespace requested" (400).
func (s *Server) listOrgLogs(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.param("orgname")
	org := s.state.org(name)
	if !s.isOrgAdmin(r.caller, org) {
		r.forbidden()
		return
	}
	if s.state.namespaces[name] == nil {
		r.modelError("Invalid namespace requested: " + name)
		return
	}
	r.logsPage(func(e *logEntry) bool { return e.account == name }, false)
}

// GET /api/v1/repository/{repository}/logs: a repository's entries, for
// its admins and full-access superusers (Quay's require_repo_admin, then a
// 404 for a missing repository). The emulator's entries name their
// repository in their metadata, where Quay keeps a reference.
func (s *Server) listRepoLogs(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, ok := r.repoForAccess("admin")
	if !ok {
		return
	}
	r.logsPage(func(e *logEntry) bool { return e.account == repo.namespace && e.metadata["repo"] == repo.name }, false)
}

// UsageLogs returns the kinds of the log entries recorded for namespace,
// oldest first, for test assertions.
func (s *Server) UsageLogs(namespace string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var kinds []string
	for _, e := range s.state.logs {
		if e.account == namespace {
			kinds = append(kinds, e.kind)
		}
	}
	return kinds
}

// AddUsageLogs records n entries of kind in namespace, performed by
// performer, spread over the last minutes, for tests that need many.
func (s *Server) AddUsageLogs(n int, kind, namespace, performer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	org := s.state.org(namespace) != nil
	for i := range n {
		s.state.logs = append(s.state.logs, &logEntry{
			kind: kind, account: namespace, accountOrg: org, performer: performer, ip: "192.0.2.1",
			metadata: map[string]any{"index": i}, at: now.Add(-time.Duration(n-i) * time.Millisecond),
		})
	}
}

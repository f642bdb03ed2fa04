package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
)

// Repository notifications (quay-api.md §18.1, §18.2;
// endpoints/api/repositorynotification.py, data/model/notification.py,
// notifications/notificationmethod.py), the e-mail addresses authorized to
// receive them (endpoints/api/repoemail.py, only with FEATURE_MAILING), and
// namespace quota notifications (§18.3; endpoints/api/namespacenotification.py,
// FEATURE_QUOTA_NOTIFICATIONS, Quay 3.18 and later). Nothing is ever
// delivered: FailNotification stands in for failed deliveries.

// notification is a repository or namespace notification.
type notification struct {
	uuid        string
	title       *string
	event       string
	method      string
	config      any // decoded with json.Number, as json.loads gives it back
	eventConfig any
	failures    int
}

func (n *notification) view() map[string]any {
	var title any
	if n.title != nil {
		title = *n.title
	}
	return map[string]any{
		"uuid": n.uuid, "title": title, "event": n.event, "method": n.method,
		"config": n.config, "event_config": n.eventConfig, "number_of_failures": n.failures,
	}
}

// authorizedEmail is a RepositoryAuthorizedEmail row: an address that may
// receive the repository's e-mail notifications once confirmed.
type authorizedEmail struct {
	email     string
	confirmed bool
}

// notificationMethods are the ExternalNotificationMethod rows.
var notificationMethods = map[string]bool{
	"quay_notification": true, "email": true, "webhook": true, "flowdock": true, "hipchat": true, "slack": true,
}

// notificationEvent says whether event is an ExternalNotificationEvent
// row; the quota events were added by Quay 3.18's migration.
func (s *Server) notificationEvent(event string) bool {
	switch event {
	case "repo_push", "build_queued", "build_start", "build_success", "build_cancelled", "build_failure", //nolint:misspell // Quay's event name
		"vulnerability_found", "repo_mirror_sync_started", "repo_mirror_sync_success", "repo_mirror_sync_failed",
		"repo_image_expiry":
		return true
	case "quota_warning", "quota_error":
		return versionAtLeast(s.cfg.Version, 3, 18)
	}
	return false
}

// notificationSchema is NotificationCreateRequest; the repository and the
// namespace resources describe it differently.
func notificationSchema(description string) *schema {
	return mustSchema(`{"type": "object", "description": "` + description + `", "required": ["event", "method", "config", "eventConfig"], "properties": {
	"event": {"type": "string", "description": "The event on which the notification will respond"},
	"method": {"type": "string", "description": "The method of notification (such as email or web callback)"},
	"config": {"type": "object", "description": "JSON config information for the specific method of notification"},
	"eventConfig": {"type": "object", "description": "JSON config information for the specific event of notification"},
	"title": {"type": "string", "description": "The human-readable title of the notification"}}}`)
}

var (
	repoNotificationSchema      = notificationSchema("Information for creating a notification on a repository")
	namespaceNotificationSchema = notificationSchema("Information for creating a namespace notification")
)

func (s *Server) registerNotificationRoutes(rt *router) {
	const repo = "/api/v1/repository/{repository}/notification/"
	rt.handle("GET", repo, s.listRepoNotifications)
	rt.handle("POST", repo, s.createRepoNotification)
	rt.handle("GET", repo+"{uuid}", s.getRepoNotification)
	rt.handle("DELETE", repo+"{uuid}", s.deleteRepoNotification)
	rt.handle("POST", repo+"{uuid}", s.resetRepoNotification)
	rt.handle("POST", repo+"{uuid}/test", s.testRepoNotification)
	if s.cfg.Features.Mailing {
		const email = "/api/v1/repository/{repository}/authorizedemail/{email}"
		rt.handle("GET", email, s.getAuthorizedEmail)
		rt.handle("POST", email, s.sendAuthorizedEmail)
	}
	if !s.cfg.Features.QuotaNotifications || !versionAtLeast(s.cfg.Version, 3, 18) {
		return
	}
	const org = "/api/v1/organization/{orgname}/notifications"
	rt.handle("GET", org, s.listOrgNotifications)
	rt.handle("POST", org, s.createOrgNotification)
	rt.handle("GET", org+"/{uuid}", func(r *request) { s.getNamespaceNotification(r, false) })
	rt.handle("DELETE", org+"/{uuid}", func(r *request) { s.deleteNamespaceNotification(r, false) })
	rt.handle("POST", org+"/{uuid}", func(r *request) { s.resetNamespaceNotification(r, false) })
	rt.handle("POST", org+"/{uuid}/test", func(r *request) { s.testNamespaceNotification(r, false) })
	const user = "/api/v1/user/namespacenotifications"
	rt.handle("GET", user, s.listUserNotifications)
	rt.handle("POST", user, s.createUserNotification)
	rt.handle("GET", user+"/{uuid}", func(r *request) { s.getNamespaceNotification(r, true) })
	rt.handle("DELETE", user+"/{uuid}", func(r *request) { s.deleteNamespaceNotification(r, true) })
	rt.handle("POST", user+"/{uuid}", func(r *request) { s.resetNamespaceNotification(r, true) })
	rt.handle("POST", user+"/{uuid}/test", func(r *request) { s.testNamespaceNotification(r, true) })
}

// pyTruthy is Python's truth value of a json.loads value.
func pyTruthy(v *jsonValue) bool {
	if v == nil {
		return false
	}
	switch v.kind {
	case "null":
		return false
	case "boolean":
		return v.b
	case "string":
		return v.str != ""
	case "number":
		return strings.Trim(strings.SplitN(strings.ToLower(v.str), "e", 2)[0], "-+0.") != ""
	default:
		return len(v.vals) > 0
	}
}

// pyText is str() of a json.loads value, as "%s" formats it.
func pyText(v *jsonValue) string {
	if v == nil {
		return "None"
	}
	if v.kind == "string" {
		return v.str
	}
	return v.repr()
}

// errNotificationCrash is a validation that fails where Quay's code raises
// an exception nothing catches (500).
var errNotificationCrash = errors.New("internal error")

// validateNotificationMethod is the method's validate(): a message for a
// 400, errNotificationCrash for a 500. repoName is "" for namespace
// notifications. Callers hold s.mu.
func (s *Server) validateNotificationMethod(method, namespace, repoName string, config *jsonValue) (string, error) {
	get := func(key string) *jsonValue { return config.get(key) }
	switch method {
	case "email":
		if repoName == "" {
			return "", nil
		}
		email := get("email")
		if !pyTruthy(email) {
			return "Missing e-mail address", nil
		}
		repo := s.state.repo(namespace, repoName)
		if email.kind == "string" && repo != nil {
			for _, a := range repo.authorizedEmails {
				if a.email == email.str && a.confirmed {
					return "", nil
				}
			}
		}
		return "The specified e-mail address is not authorized to receive notifications for this repository", nil
	case "webhook":
		url := get("url")
		if !pyTruthy(url) {
			return "Missing webhook URL", nil
		}
		if url.kind != "string" {
			return "", errNotificationCrash
		}
		scheme, host, hasHost, err := pyURLParts(url.str)
		if err != nil {
			return "", err
		}
		if scheme != "http" && scheme != "https" {
			return "Invalid webhook URL", nil
		}
		if !hasHost {
			return "", errNotificationCrash // parsed.hostname is None
		}
		if host == "localhost" || host == "127.0.0.1" {
			return "Invalid webhook URL", nil
		}
		if tpl := get("template"); pyTruthy(tpl) {
			if tpl.kind != "string" {
				return "", errNotificationCrash
			}
			return jsonTemplateError(tpl.str), nil
		}
		return "", nil
	case "slack":
		if !pyTruthy(get("url")) {
			return "Missing Slack Callback URL", nil
		}
		return "", nil
	case "flowdock":
		if !pyTruthy(get("flow_api_token")) {
			return "Missing Flowdock API Token", nil
		}
		return "", nil
	case "hipchat":
		if !pyTruthy(get("notification_token")) {
			return "Missing Hipchat Room Notification Token", nil
		}
		if !pyTruthy(get("room_id")) {
			return "Missing Hipchat Room ID", nil
		}
		return "", nil
	case "quay_notification":
		return s.validateQuayNotificationTarget(namespace, get("target"))
	}
	return "", errNotificationCrash
}

// validateQuayNotificationTarget is QuayNotificationMethod.find_targets.
func (s *Server) validateQuayNotificationTarget(namespace string, target *jsonValue) (string, error) {
	if !pyTruthy(target) {
		return "Missing target", nil
	}
	if target.kind != "object" {
		return "", errNotificationCrash // .get on a value that is no dict
	}
	if !pyTruthy(target.get("kind")) {
		return "Missing target", nil
	}
	kind := target.get("kind")
	if kind.kind != "string" || (kind.str != "user" && kind.str != "org" && kind.str != "team") {
		return "", errNotificationCrash // find_targets returns None
	}
	name := target.get("name")
	if name == nil {
		return "", errNotificationCrash // KeyError
	}
	switch kind.str {
	case "user":
		if name.kind != "string" || s.state.user(name.str) == nil {
			return "Unknown user " + pyText(name), nil
		}
	case "org":
		if name.kind != "string" || s.state.org(name.str) == nil {
			return "Unknown organization " + pyText(name), nil
		}
		if name.str != namespace {
			return "", errNotificationCrash // a two-item tuple unpacked into three
		}
	case "team":
		org := s.state.org(namespace)
		if name.kind != "string" || org == nil || org.team(name.str) == nil {
			return "Unknown team " + pyText(name), nil
		}
	}
	return "", nil
}

// pyURLParts is what WebhookMethod reads of urllib's urlparse: the
// scheme (lowercased), the hostname (lowercased) and whether there is one;
// err is a ValueError urlparse raises (unbalanced IPv6 brackets).
func pyURLParts(url string) (scheme, host string, hasHost bool, err error) {
	url = strings.TrimLeft(url, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	url = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(url)
	rest := url
	if i := strings.IndexByte(url, ':'); i > 0 && isASCIILetter(url[0]) && strings.Trim(url[:i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == "" {
		scheme, rest = strings.ToLower(url[:i]), url[i+1:]
	}
	if !strings.HasPrefix(rest, "//") {
		return scheme, "", false, nil
	}
	netloc := rest[2:]
	if i := strings.IndexAny(netloc, "/?#"); i >= 0 {
		netloc = netloc[:i]
	}
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		return "", "", false, errNotificationCrash
	}
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		netloc = netloc[i+1:]
	}
	if strings.HasPrefix(netloc, "[") {
		host, _, _ = strings.Cut(netloc[1:], "]")
	} else {
		host, _, _ = strings.Cut(netloc, ":")
	}
	if host == "" {
		return scheme, "", false, nil
	}
	return scheme, strings.ToLower(host), true, nil
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// inlinePath is INLINE_PATH_PATTERN (util/jsontemplate.py).
var inlinePath = regexp.MustCompile(`\$\{([^}]*)\}`)

// jsonTemplateError is JSONTemplate's parse check of a webhook template:
// the text must be JSON as Python's json module reads it (its error
// worded the same), and no ${...} in its strings may be empty. JSONPath
// expressions are not checked.
func jsonTemplateError(text string) string {
	if msg := pyJSONError(text); msg != "" {
		return "Could not parse template: " + msg
	}
	dec := json.NewDecoder(strings.NewReader(text))
	var v any
	if dec.Decode(&v) != nil {
		return "" // NaN or Infinity, which Python reads and Go does not
	}
	var walk func(any) string
	walk = func(x any) string {
		switch t := x.(type) {
		case string:
			for _, m := range inlinePath.FindAllStringSubmatch(t, -1) {
				if m[1] == "" {
					return "Empty expression found"
				}
			}
		case map[string]any:
			for k, val := range t {
				if msg := walk(k); msg != "" {
					return msg
				}
				if msg := walk(val); msg != "" {
					return msg
				}
			}
		case []any:
			for _, val := range t {
				if msg := walk(val); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	return walk(v)
}

// pyJSONError is the text of the JSONDecodeError Python's json.loads
// raises for text, or "" when it parses (json/decoder.py, json/scanner.py).
func pyJSONError(text string) string {
	p := &pyJSONScanner{s: []rune(text)}
	end := p.ws(0)
	end, msg := p.value(end)
	if msg == "" {
		if end = p.ws(end); end != len(p.s) {
			msg = p.fail("Extra data", end)
		}
	}
	return msg
}

type pyJSONScanner struct{ s []rune }

func (p *pyJSONScanner) fail(what string, pos int) string {
	line := 1
	last := -1
	for i := 0; i < pos && i < len(p.s); i++ {
		if p.s[i] == '\n' {
			line++
			last = i
		}
	}
	return what + ": line " + itoa(line) + " column " + itoa(pos-last) + " (char " + itoa(pos) + ")"
}

func (p *pyJSONScanner) at(i int) rune {
	if i < len(p.s) {
		return p.s[i]
	}
	return 0
}

func (p *pyJSONScanner) ws(i int) int {
	for i < len(p.s) && strings.ContainsRune(" \t\n\r", p.s[i]) {
		i++
	}
	return i
}

func (p *pyJSONScanner) literal(i int, word string) bool {
	return strings.HasPrefix(string(p.s[i:]), word)
}

var pyJSONNumber = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`)

// value is scan_once: the end of the value at i, or the error.
func (p *pyJSONScanner) value(i int) (int, string) {
	switch c := p.at(i); {
	case i >= len(p.s):
		return i, p.fail("Expecting value", i)
	case c == '"':
		return p.str(i + 1)
	case c == '{':
		return p.object(i + 1)
	case c == '[':
		return p.array(i + 1)
	}
	for _, w := range []string{"null", "true", "false", "NaN", "Infinity", "-Infinity"} {
		if p.literal(i, w) {
			return i + len(w), ""
		}
	}
	if m := pyJSONNumber.FindString(string(p.s[i:])); m != "" {
		return i + len([]rune(m)), ""
	}
	return i, p.fail("Expecting value", i)
}

// str is py_scanstring from just after the opening quote.
func (p *pyJSONScanner) str(i int) (int, string) {
	begin := i - 1
	for {
		if i >= len(p.s) {
			return i, p.fail("Unterminated string starting at", begin)
		}
		switch c := p.s[i]; {
		case c == '"':
			return i + 1, ""
		case c < 0x20:
			return i, p.fail("Invalid control character at", i)
		case c == '\\':
			if i+1 >= len(p.s) {
				return i, p.fail("Unterminated string starting at", begin)
			}
			esc := p.s[i+1]
			if esc == 'u' {
				hex := string(p.s[i+2 : min(len(p.s), i+6)])
				if len(hex) != 4 || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
					return i, p.fail("Invalid \\uXXXX escape", i+1)
				}
				i += 6
				continue
			}
			if !strings.ContainsRune(`"\\/bfnrt`, esc) {
				return i, p.fail("Invalid \\escape", i)
			}
			i += 2
		default:
			i++
		}
	}
}

// object is JSONObject from just after "{".
func (p *pyJSONScanner) object(i int) (int, string) {
	i = p.ws(i)
	if p.at(i) == '}' && i < len(p.s) {
		return i + 1, ""
	}
	for {
		if p.at(i) != '"' || i >= len(p.s) {
			return i, p.fail("Expecting property name enclosed in double quotes", i)
		}
		end, msg := p.str(i + 1)
		if msg != "" {
			return end, msg
		}
		end = p.ws(end)
		if p.at(end) != ':' || end >= len(p.s) {
			return end, p.fail("Expecting ':' delimiter", end)
		}
		end, msg = p.value(p.ws(end + 1))
		if msg != "" {
			return end, msg
		}
		end = p.ws(end)
		switch {
		case end < len(p.s) && p.s[end] == '}':
			return end + 1, ""
		case end >= len(p.s) || p.s[end] != ',':
			return end, p.fail("Expecting ',' delimiter", end)
		}
		i = p.ws(end + 1)
	}
}

// array is JSONArray from just after "[".
func (p *pyJSONScanner) array(i int) (int, string) {
	i = p.ws(i)
	if p.at(i) == ']' && i < len(p.s) {
		return i + 1, ""
	}
	for {
		end, msg := p.value(i)
		if msg != "" {
			return end, msg
		}
		end = p.ws(end)
		switch {
		case end < len(p.s) && p.s[end] == ']':
			return end + 1, ""
		case end >= len(p.s) || p.s[end] != ',':
			return end, p.fail("Expecting ',' delimiter", end)
		}
		i = p.ws(end + 1)
	}
}

// decodeLoose decodes a JSON value keeping numbers as written.
func decodeLoose(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v)
	return v
}

// newNotification builds a notification from a validated body.
func newNotification(body map[string]json.RawMessage) *notification {
	n := &notification{uuid: randomUUID(), config: decodeLoose(body["config"]), eventConfig: decodeLoose(body["eventConfig"])}
	n.event, _, _ = getString(body, "event")
	n.method, _, _ = getString(body, "method")
	if title, present, _ := getString(body, "title"); present {
		n.title = &title
	}
	return n
}

// Repository notifications: require_repo_admin (a full-access superuser
// passes) comes first everywhere.

// repoNotificationByUUID finds a repository notification by uuid alone,
// as Quay's get_repo_notification does.
func (s *Server) repoNotificationByUUID(uuid string) (*repository, *notification) {
	for _, n := range s.state.namespaces {
		for _, repo := range n.repos {
			for _, nt := range repo.notifications {
				if nt.uuid == uuid {
					return repo, nt
				}
			}
		}
	}
	return nil, nil
}

func notificationViews(list []*notification) []any {
	out := make([]any, 0, len(list))
	for _, n := range list {
		out = append(out, n.view())
	}
	return out
}

// GET /api/v1/repository/{repository}/notification/: a missing repository
// has none.
func (s *Server) listRepoNotifications(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var list []*notification
	if repo := s.state.repo(ns, name); repo != nil {
		list = repo.notifications
	}
	r.ok(200, map[string]any{"notifications": notificationViews(list)})
}

// POST /api/v1/repository/{repository}/notification/: the permission, the
// schema, the method (an unknown one is a 500), its config, then the event
// (an unknown one is a 500) and the repository (a missing one, which only
// a full-access superuser reaches, is a 500 too).
func (s *Server) createRepoNotification(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(repoNotificationSchema, &body) {
		return
	}
	n := newNotification(body)
	if !notificationMethods[n.method] {
		r.internalError()
		return
	}
	msg, err := s.validateNotificationMethod(n.method, ns, name, parseJSONValue(body["config"]))
	if err != nil {
		r.internalError()
		return
	}
	if msg != "" {
		r.invalidRequest(msg)
		return
	}
	repo := s.state.repo(ns, name)
	if !s.notificationEvent(n.event) || repo == nil {
		r.internalError()
		return
	}
	repo.notifications = append(repo.notifications, n)
	r.logAction("add_repo_notification", ns, map[string]any{
		"repo": name, "namespace": ns, "notification_id": n.uuid, "event": n.event, "method": n.method,
	})
	r.ok(201, n.view())
}

// GET /api/v1/repository/{repository}/notification/{uuid}: by uuid alone.
func (s *Server) getRepoNotification(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, ok := r.repoAdminOnly(); !ok {
		return
	}
	_, n := s.repoNotificationByUUID(r.param("uuid"))
	if n == nil {
		r.notFound()
		return
	}
	r.ok(200, n.view())
}

func (r *request) noRepoNotification(ns, name, uuid string) {
	r.invalidRequest("No repository notification found for: " + ns + ", " + name + ", " + uuid)
}

// DELETE /api/v1/repository/{repository}/notification/{uuid}: 204, or 400
// for a uuid that is unknown or belongs to another repository.
func (s *Server) deleteRepoNotification(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	uuid := r.param("uuid")
	repo, n := s.repoNotificationByUUID(uuid)
	if n == nil || repo.namespace != ns || repo.name != name {
		r.noRepoNotification(ns, name, uuid)
		return
	}
	repo.notifications = withoutNotification(repo.notifications, uuid)
	r.logAction("delete_repo_notification", ns, map[string]any{
		"repo": name, "namespace": ns, "notification_id": uuid, "event": n.event, "method": n.method,
	})
	r.noContent()
}

func withoutNotification(list []*notification, uuid string) []*notification {
	out := list[:0:0]
	for _, n := range list {
		if n.uuid != uuid {
			out = append(out, n)
		}
	}
	return out
}

// POST /api/v1/repository/{repository}/notification/{uuid}: resets the
// failure count. A uuid of another repository is the model's uncaught
// error (400 {"message"}).
func (s *Server) resetRepoNotification(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	uuid := r.param("uuid")
	repo, n := s.repoNotificationByUUID(uuid)
	if n == nil {
		r.noRepoNotification(ns, name, uuid)
		return
	}
	if repo.namespace != ns || repo.name != name {
		r.modelError("No repository notification found with uuid: " + uuid)
		return
	}
	n.failures = 0
	r.logAction("reset_repo_notification", ns, map[string]any{
		"repo": name, "namespace": ns, "notification_id": uuid, "event": n.event, "method": n.method,
	})
	r.noContent()
}

// POST /api/v1/repository/{repository}/notification/{uuid}/test: queues a
// sample event, found by uuid alone.
func (s *Server) testRepoNotification(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	uuid := r.param("uuid")
	if _, n := s.repoNotificationByUUID(uuid); n == nil {
		r.noRepoNotification(ns, name, uuid)
		return
	}
	r.ok(200, map[string]any{})
}

// Authorized e-mail addresses (FEATURE_MAILING).

func authorizedEmailView(ns, name string, a *authorizedEmail) map[string]any {
	return map[string]any{"email": a.email, "repository": name, "namespace": ns, "confirmed": a.confirmed}
}

func (repo *repository) authorizedEmail(email string) *authorizedEmail {
	for _, a := range repo.authorizedEmails {
		if a.email == email {
			return a
		}
	}
	return nil
}

// GET /api/v1/repository/{repository}/authorizedemail/{email}.
func (s *Server) getAuthorizedEmail(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	var a *authorizedEmail
	if repo := s.state.repo(ns, name); repo != nil {
		a = repo.authorizedEmail(r.param("email"))
	}
	if a == nil {
		writeJSON(r.w, 404, map[string]any{"message": notFoundText})
		return
	}
	r.ok(200, authorizedEmailView(ns, name, a))
}

// POST /api/v1/repository/{repository}/authorizedemail/{email}: records
// the address unconfirmed and "sends" the confirmation mail; only its
// recipient can confirm (ConfirmAuthorizedEmail here).
func (s *Server) sendAuthorizedEmail(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, name, ok := r.repoAdminOnly()
	if !ok {
		return
	}
	repo := s.state.repo(ns, name)
	if repo == nil {
		r.modelError("Invalid repository " + ns + "/" + name)
		return
	}
	email := r.param("email")
	a := repo.authorizedEmail(email)
	if a == nil {
		a = &authorizedEmail{email: email}
		repo.authorizedEmails = append(repo.authorizedEmails, a)
	}
	r.ok(200, authorizedEmailView(ns, name, a))
}

// ConfirmAuthorizedEmail confirms email for ns/repo as its recipient's
// click on the mailed link would, creating the authorization if needed;
// it reports whether the repository exists.
func (s *Server) ConfirmAuthorizedEmail(ns, repo, email string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.state.repo(ns, repo)
	if r == nil {
		return false
	}
	a := r.authorizedEmail(email)
	if a == nil {
		a = &authorizedEmail{email: email}
		r.authorizedEmails = append(r.authorizedEmails, a)
	}
	a.confirmed = true
	return true
}

// Namespace notifications (FEATURE_QUOTA_NOTIFICATIONS, 3.18+).

// validNamespaceEvents are VALID_NAMESPACE_EVENTS, sorted.
const validNamespaceEvents = "quota_error, quota_warning"

// createNamespaceNotification is _validate_create_request and the create.
func (s *Server) createNamespaceNotification(r *request, n *namespace, body map[string]json.RawMessage) {
	nt := newNotification(body)
	if nt.event != "quota_warning" && nt.event != "quota_error" {
		r.invalidRequest("Invalid event '" + nt.event + "'. Must be one of: " + validNamespaceEvents)
		return
	}
	if !notificationMethods[nt.method] {
		r.invalidRequest("Unknown notification method '" + nt.method + "'")
		return
	}
	msg, err := s.validateNotificationMethod(nt.method, n.name, "", parseJSONValue(body["config"]))
	if err != nil {
		r.internalError()
		return
	}
	if msg != "" {
		r.invalidRequest(msg)
		return
	}
	n.notifications = append(n.notifications, nt)
	r.logAction("create_namespace_notification", n.name, map[string]any{
		"namespace": n.name, "notification_id": nt.uuid, "event": nt.event, "method": nt.method,
	})
	r.ok(201, nt.view())
}

// namespaceNotificationTarget is the namespace a handler acts on: the
// organization path's name after AdministerOrganizationPermission or a
// full-access superuser, or the token's user after require_user_admin.
func (r *request) namespaceNotificationTarget(user bool) (string, bool) {
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

// GET /api/v1/organization/{orgname}/notifications.
func (s *Server) listOrgNotifications(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(false)
	if !ok {
		return
	}
	org := s.state.org(name)
	if org == nil {
		r.notFound()
		return
	}
	r.ok(200, map[string]any{"notifications": notificationViews(org.notifications)})
}

// GET /api/v1/user/namespacenotifications.
func (s *Server) listUserNotifications(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(true)
	if !ok {
		return
	}
	var list []*notification
	if n := s.state.namespaces[name]; n != nil {
		list = n.notifications
	}
	r.ok(200, map[string]any{"notifications": notificationViews(list)})
}

// POST /api/v1/organization/{orgname}/notifications: the permission and
// the organization come before the body, which the handler validates
// itself.
func (s *Server) createOrgNotification(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(false)
	if !ok {
		return
	}
	org := s.state.org(name)
	if org == nil {
		r.notFound()
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(namespaceNotificationSchema, &body) {
		return
	}
	s.createNamespaceNotification(r, org, body)
}

// POST /api/v1/user/namespacenotifications.
func (s *Server) createUserNotification(r *request) {
	if !r.requireUserAdmin() {
		return
	}
	var body map[string]json.RawMessage
	if !r.decodeValidBody(namespaceNotificationSchema, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.state.namespaces[r.caller.name()]
	if n == nil {
		r.internalError()
		return
	}
	s.createNamespaceNotification(r, n, body)
}

// namespaceNotification finds uuid among name's notifications; a uuid of
// another namespace is as missing.
func (s *Server) namespaceNotification(name, uuid string) (*namespace, *notification) {
	n := s.state.namespaces[name]
	if n == nil {
		return nil, nil
	}
	for _, nt := range n.notifications {
		if nt.uuid == uuid {
			return n, nt
		}
	}
	return nil, nil
}

// GET .../notifications/{uuid}.
func (s *Server) getNamespaceNotification(r *request, user bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(user)
	if !ok {
		return
	}
	_, nt := s.namespaceNotification(name, r.param("uuid"))
	if nt == nil {
		r.notFound()
		return
	}
	r.ok(200, nt.view())
}

// DELETE .../notifications/{uuid}.
func (s *Server) deleteNamespaceNotification(r *request, user bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(user)
	if !ok {
		return
	}
	uuid := r.param("uuid")
	n, nt := s.namespaceNotification(name, uuid)
	if nt == nil {
		r.notFound()
		return
	}
	n.notifications = withoutNotification(n.notifications, uuid)
	r.logAction("delete_namespace_notification", name, map[string]any{
		"namespace": name, "notification_id": uuid, "event": nt.event, "method": nt.method,
	})
	r.noContent()
}

// POST .../notifications/{uuid}: resets the failure count.
func (s *Server) resetNamespaceNotification(r *request, user bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(user)
	if !ok {
		return
	}
	uuid := r.param("uuid")
	_, nt := s.namespaceNotification(name, uuid)
	if nt == nil {
		r.notFound()
		return
	}
	nt.failures = 0
	r.logAction("reset_namespace_notification", name, map[string]any{
		"namespace": name, "notification_id": uuid, "event": nt.event, "method": nt.method,
	})
	r.noContent()
}

// POST .../notifications/{uuid}/test.
func (s *Server) testNamespaceNotification(r *request, user bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := r.namespaceNotificationTarget(user)
	if !ok {
		return
	}
	if _, nt := s.namespaceNotification(name, r.param("uuid")); nt == nil {
		r.notFound()
		return
	}
	r.ok(200, map[string]any{})
}

// FailNotification records times failed deliveries of the repository or
// namespace notification uuid, as Quay's notification worker counts them
// (after 3 it stops sending); it reports whether the notification exists.
func (s *Server) FailNotification(uuid string, times int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, n := s.repoNotificationByUUID(uuid); n != nil {
		n.failures += times
		return true
	}
	for _, ns := range s.state.namespaces {
		for _, n := range ns.notifications {
			if n.uuid == uuid {
				n.failures += times
				return true
			}
		}
	}
	return false
}

// AllNotifications lists every notification as "<namespace>/<uuid>"
// (namespace notifications) or "<namespace>/<repository>/<uuid>", sorted,
// for soak comparisons.
func (s *Server) AllNotifications() []string {
	return s.namespaceAndRepoKeys(
		func(n *namespace) []string {
			return uuidsOf(n.notifications, func(nt *notification) string { return nt.uuid })
		},
		func(r *repository) []string {
			return uuidsOf(r.notifications, func(nt *notification) string { return nt.uuid })
		})
}

// namespaceAndRepoKeys lists, sorted, "<namespace>/<id>" for the ids a
// namespace holds and "<namespace>/<repository>/<id>" for those its
// repositories hold: the keys the soak compares with Terraform's state.
func (s *Server) namespaceAndRepoKeys(ofNamespace func(*namespace) []string, ofRepo func(*repository) []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, n := range s.state.namespaces {
		for _, id := range ofNamespace(n) {
			out = append(out, n.name+"/"+id)
		}
		for _, repo := range n.repos {
			for _, id := range ofRepo(repo) {
				out = append(out, n.name+"/"+repo.name+"/"+id)
			}
		}
	}
	sort.Strings(out)
	return out
}

func uuidsOf[T any](items []T, uuid func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, uuid(it))
	}
	return out
}

package emulator

import (
	"regexp"
	"strings"
	"testing"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func messageBody(content, mediaType, severity string) map[string]any {
	return map[string]any{"message": map[string]any{"content": content, "media_type": mediaType, "severity": severity}}
}

func TestGlobalMessages(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	const list = "/api/v1/messages"
	if a := e.call(t, "GET", list, "", nil); a.status != 200 || strings.TrimSpace(a.raw) != `{"messages":[]}` {
		t.Fatalf("empty list: %d %s", a.status, a.raw)
	}

	// The schema first, then the superuser check.
	expectProblem(t, e.call(t, "POST", list, e.alice, messageBody("hi", "text/html", "info")), 400, "invalid_request", "'text/html' is not one of ['text/plain', 'text/markdown']")
	expectProblem(t, e.call(t, "POST", list, e.admin, map[string]any{"message": map[string]any{"content": "hi"}}), 400, "invalid_request", "'media_type' is a required property")
	expectProblem(t, e.call(t, "POST", list, e.admin, messageBody("hi", "text/plain", "fatal")), 400, "invalid_request", "'fatal' is not one of ['info', 'warning', 'error']")
	expectMessage(t, e.call(t, "POST", list, e.alice, messageBody("hi", "text/plain", "info")), 403, permissionDenied)
	expectMessage(t, e.call(t, "POST", list, e.alice, map[string]any{}), 403, permissionDenied)
	if a := e.call(t, "POST", list, e.admin, map[string]any{}); a.status != 500 {
		t.Fatalf("no message key: %d %s", a.status, a.raw)
	}
	expectCSRF(t, e.call(t, "POST", list, "", messageBody("hi", "text/plain", "info")))

	// Create: 201 with an empty body; duplicates allowed.
	for range 2 {
		a := e.call(t, "POST", list, e.admin, messageBody("**Maintenance** tonight", "text/markdown", "warning"))
		if a.status != 201 || a.raw != "" {
			t.Fatalf("create: %d %q", a.status, a.raw)
		}
	}
	l := e.call(t, "GET", list, e.bob, nil)
	msgs := l.field("messages").([]any)
	if len(msgs) != 2 {
		t.Fatalf("list: %s", l.raw)
	}
	first := msgs[0].(map[string]any)
	if first["content"] != "**Maintenance** tonight" || first["media_type"] != "text/markdown" || first["severity"] != "warning" ||
		!uuidPattern.MatchString(first["uuid"].(string)) {
		t.Fatalf("entry: %v", first)
	}
	uuids := e.srv.AllGlobalMessages()
	if len(uuids) != 2 || uuids[0] != first["uuid"] {
		t.Fatalf("AllGlobalMessages: %v", uuids)
	}

	// Delete: superusers only, 204 for any uuid.
	expectMessage(t, e.call(t, "DELETE", "/api/v1/message/"+uuids[0], e.alice, nil), 403, permissionDenied)
	for _, u := range []string{uuids[0], uuids[0], "no-such-uuid"} {
		if a := e.call(t, "DELETE", "/api/v1/message/"+u, e.admin, nil); a.status != 204 || a.raw != "" {
			t.Fatalf("delete %s: %d %q", u, a.status, a.raw)
		}
	}
	if got := e.srv.AllGlobalMessages(); len(got) != 1 || got[0] != uuids[1] {
		t.Fatalf("after delete: %v", got)
	}
}

func TestGlobalMessagesWithoutSuperUsers(t *testing.T) {
	e := newOrgTestEnv(t, func(c *Config) { c.Features.SuperUsers = false })
	expectMessage(t, e.call(t, "POST", "/api/v1/messages", e.admin, messageBody("hi", "text/plain", "info")), 404, notFoundText)
	expectHTML(t, e.call(t, "DELETE", "/api/v1/message/x", e.admin, nil), 405)
	if a := e.call(t, "GET", "/api/v1/messages", e.alice, nil); a.status != 200 {
		t.Fatalf("list: %d", a.status)
	}
}

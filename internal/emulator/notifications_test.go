package emulator

import (
	"strings"
	"testing"
)

func notificationBody(event, method string, config map[string]any) map[string]any {
	return map[string]any{"event": event, "method": method, "config": config, "eventConfig": map[string]any{}}
}

func TestRepositoryNotifications(t *testing.T) {
	e := newTagEnv(t, nil)
	e.call(t, "PUT", "/api/v1/organization/acme/team/devs", e.alice, map[string]any{"role": "member"})
	const base = "/api/v1/repository/acme/app/notification/"

	// The permission before the schema.
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"event": "repo_push", "method": "webhook", "config": map[string]any{}}), 400, "invalid_request",
		"'eventConfig' is a required property")
	for _, tc := range []struct {
		method string
		config map[string]any
		msg    string
	}{
		{"webhook", map[string]any{}, "Missing webhook URL"},
		{"webhook", map[string]any{"url": "ftp://example.com/x"}, "Invalid webhook URL"},
		{"webhook", map[string]any{"url": "http://LOCALHOST:8080/hook"}, "Invalid webhook URL"},
		{"webhook", map[string]any{"url": "https://example.com/hook", "template": "{"}, "Could not parse template: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
		{"webhook", map[string]any{"url": "https://example.com/hook", "template": `{"a": "${}"}`}, "Empty expression found"},
		{"email", map[string]any{"email": ""}, "Missing e-mail address"},
		{"email", map[string]any{"email": "ops@example.com"}, "The specified e-mail address is not authorized to receive notifications for this repository"},
		{"slack", map[string]any{"url": ""}, "Missing Slack Callback URL"},
		{"flowdock", map[string]any{}, "Missing Flowdock API Token"},
		{"hipchat", map[string]any{"notification_token": "t"}, "Missing Hipchat Room ID"},
		{"quay_notification", map[string]any{"target": map[string]any{}}, "Missing target"},
		{"quay_notification", map[string]any{"target": map[string]any{"kind": "user", "name": "nobody"}}, "Unknown user nobody"},
		{"quay_notification", map[string]any{"target": map[string]any{"kind": "user", "name": "acme"}}, "Unknown user acme"},
		{"quay_notification", map[string]any{"target": map[string]any{"kind": "org", "name": "nosuch"}}, "Unknown organization nosuch"},
		{"quay_notification", map[string]any{"target": map[string]any{"kind": "team", "name": "nosuch"}}, "Unknown team nosuch"},
	} {
		expectProblem(t, e.call(t, "POST", base, e.alice, notificationBody("repo_push", tc.method, tc.config)), 400, "invalid_request", tc.msg)
	}
	// Unknown events and methods, and other crashes of Quay's code, are 500s.
	for _, body := range []map[string]any{
		notificationBody("repo_pushed", "webhook", map[string]any{"url": "https://example.com/hook"}),
		notificationBody("repo_push", "pager", map[string]any{}),
		notificationBody("repo_push", "webhook", map[string]any{"url": "http:no-host"}),
		notificationBody("repo_push", "quay_notification", map[string]any{"target": map[string]any{"kind": "org", "name": "otherorg"}}),
		notificationBody("repo_push", "quay_notification", map[string]any{"target": map[string]any{"kind": "robot", "name": "x"}}),
	} {
		e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "otherorg"})
		if a := e.call(t, "POST", base, e.alice, body); a.status != 500 {
			t.Errorf("%v: %d %s", body, a.status, a.raw)
		}
	}
	// An unknown method is a 500 even before its config is checked; an
	// unknown event only after.
	expectProblem(t, e.call(t, "POST", base, e.alice, notificationBody("nosuch", "slack", map[string]any{})), 400, "invalid_request", "Missing Slack Callback URL")

	a := e.call(t, "POST", base, e.alice, notificationBody("repo_push", "webhook", map[string]any{"url": "https://example.com/hook?token=s3cret"}))
	if a.status != 201 || a.field("title") != nil || a.field("event") != "repo_push" || a.field("number_of_failures") != float64(0) {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	if ec, ok := a.field("event_config").(map[string]any); !ok || len(ec) != 0 || strings.Contains(a.raw, "eventConfig") {
		t.Fatalf("event_config: %s", a.raw)
	}
	uuid := a.field("uuid").(string)
	body := notificationBody("vulnerability_found", "quay_notification", map[string]any{"target": map[string]any{"kind": "team", "name": "devs"}})
	body["eventConfig"] = map[string]any{"level": 1}
	body["title"] = "Vulns"
	b := e.call(t, "POST", base, e.alice, body)
	if b.status != 201 || b.field("title") != "Vulns" || b.field("event_config").(map[string]any)["level"] != float64(1) {
		t.Fatalf("second: %d %s", b.status, b.raw)
	}
	if a := e.call(t, "GET", base, e.alice, nil); len(a.field("notifications").([]any)) != 2 {
		t.Fatalf("list: %s", a.raw)
	}
	if a := e.call(t, "GET", "/api/v1/repository/acme/nosuch/notification/", e.alice, nil); a.status != 200 || len(a.field("notifications").([]any)) != 0 {
		t.Fatalf("list of a missing repository: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "GET", base+uuid, e.alice, nil); a.status != 200 || a.field("config").(map[string]any)["url"] != "https://example.com/hook?token=s3cret" {
		t.Fatalf("get: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", base+"nosuch", e.alice, nil), 404, "not_found", "Not Found")

	// Failures, reset and test.
	if !e.srv.FailNotification(uuid, 3) {
		t.Fatal("FailNotification")
	}
	if a := e.call(t, "GET", base+uuid, e.alice, nil); a.field("number_of_failures") != float64(3) {
		t.Fatalf("failures: %s", a.raw)
	}
	if a := e.call(t, "POST", base+uuid, e.alice, nil); a.status != 204 {
		t.Fatalf("reset: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "GET", base+uuid, e.alice, nil); a.field("number_of_failures") != float64(0) {
		t.Fatalf("after reset: %s", a.raw)
	}
	expectProblem(t, e.call(t, "POST", base+"nosuch", e.alice, nil), 400, "invalid_request", "No repository notification found for: acme, app, nosuch")
	if a := e.call(t, "POST", base+uuid+"/test", e.alice, nil); a.status != 200 || strings.TrimSpace(a.raw) != "{}" {
		t.Fatalf("test: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", base+"nosuch/test", e.alice, nil), 400, "invalid_request", "No repository notification found for: acme, app, nosuch")

	// From another repository: read and test by uuid alone, reset is the
	// model's 400, delete the endpoint's 400.
	e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "other", "visibility": "private", "description": ""})
	other := "/api/v1/repository/acme/other/notification/"
	if a := e.call(t, "GET", other+uuid, e.alice, nil); a.status != 200 {
		t.Fatalf("get through another repository: %d %s", a.status, a.raw)
	}
	expectMessage(t, e.call(t, "POST", other+uuid, e.alice, nil), 400, "No repository notification found with uuid: "+uuid)
	expectProblem(t, e.call(t, "DELETE", other+uuid, e.alice, nil), 400, "invalid_request", "No repository notification found for: acme, other, "+uuid)

	if got := e.srv.AllNotifications(); len(got) != 2 || !strings.HasPrefix(got[0], "acme/app/") {
		t.Fatalf("all: %v", got)
	}
	if a := e.call(t, "DELETE", base+uuid, e.alice, nil); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", base+uuid, e.alice, nil), 400, "invalid_request", "No repository notification found for: acme, app, "+uuid)
	// Notifications go with their repository.
	e.call(t, "DELETE", "/api/v1/repository/acme/app", e.alice, nil)
	if got := e.srv.AllNotifications(); len(got) != 0 {
		t.Fatalf("after the repository is gone: %v", got)
	}
}

func TestRepositoryNotificationEmail(t *testing.T) {
	e := newTagEnv(t, func(c *Config) { c.Features.Mailing = true })
	const base = "/api/v1/repository/acme/app/notification/"
	const auth = "/api/v1/repository/acme/app/authorizedemail/ops@example.com"
	expectMessage(t, e.call(t, "GET", auth, e.alice, nil), 404, notFoundText)
	a := e.call(t, "POST", auth, e.alice, nil)
	if a.status != 200 || a.field("confirmed") != false || a.field("email") != "ops@example.com" || a.field("repository") != "app" || a.field("namespace") != "acme" {
		t.Fatalf("authorize: %d %s", a.status, a.raw)
	}
	body := notificationBody("repo_push", "email", map[string]any{"email": "ops@example.com"})
	expectProblem(t, e.call(t, "POST", base, e.alice, body), 400, "invalid_request", "The specified e-mail address is not authorized")
	e.srv.ConfirmAuthorizedEmail("acme", "app", "ops@example.com")
	if a := e.call(t, "GET", auth, e.alice, nil); a.field("confirmed") != true {
		t.Fatalf("confirmed: %s", a.raw)
	}
	if a := e.call(t, "POST", base, e.alice, body); a.status != 201 {
		t.Fatalf("email notification: %d %s", a.status, a.raw)
	}
	expectMessage(t, e.call(t, "POST", "/api/v1/repository/acme/nosuch/authorizedemail/x@example.com", e.admin, nil), 400, "Invalid repository acme/nosuch")
}

func TestNamespaceNotifications(t *testing.T) {
	e := newTagEnv(t, nil)
	const base = "/api/v1/organization/acme/notifications"
	// The permission and the organization come before the body.
	expectProblem(t, e.call(t, "POST", base, e.bob, map[string]any{}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/organization/alice/notifications", e.alice, map[string]any{}), 404, "not_found", "Not Found")
	expectProblem(t, e.rawCall(t, "POST", base, e.alice, "application/json", "null"), 400, "invalid_request", "Missing JSON body")
	expectProblem(t, e.call(t, "POST", base, e.alice, map[string]any{"event": "quota_warning"}), 400, "invalid_request", "'method' is a required property")
	expectProblem(t, e.call(t, "POST", base, e.alice, notificationBody("repo_push", "email", map[string]any{})), 400, "invalid_request",
		"Invalid event 'repo_push'. Must be one of: quota_error, quota_warning")
	expectProblem(t, e.call(t, "POST", base, e.alice, notificationBody("quota_error", "pager", map[string]any{})), 400, "invalid_request",
		"Unknown notification method 'pager'")
	expectProblem(t, e.call(t, "POST", base, e.alice, notificationBody("quota_error", "webhook", map[string]any{})), 400, "invalid_request", "Missing webhook URL")
	// E-mail needs no address here.
	a := e.call(t, "POST", base, e.alice, notificationBody("quota_warning", "email", map[string]any{}))
	if a.status != 201 || a.field("method") != "email" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	uuid := a.field("uuid").(string)
	if a := e.call(t, "GET", base, e.alice, nil); len(a.field("notifications").([]any)) != 1 {
		t.Fatalf("list: %s", a.raw)
	}
	if a := e.call(t, "GET", base+"/"+uuid, e.alice, nil); a.status != 200 {
		t.Fatalf("get: %d %s", a.status, a.raw)
	}
	e.srv.FailNotification(uuid, 2)
	if a := e.call(t, "POST", base+"/"+uuid, e.alice, nil); a.status != 204 {
		t.Fatalf("reset: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "POST", base+"/"+uuid+"/test", e.alice, nil); a.status != 200 {
		t.Fatalf("test: %d %s", a.status, a.raw)
	}
	// The user path: another namespace's uuid is missing.
	const user = "/api/v1/user/namespacenotifications"
	expectProblem(t, e.call(t, "GET", user+"/"+uuid, e.alice, nil), 404, "not_found", "Not Found")
	b := e.call(t, "POST", user, e.bob, notificationBody("quota_error", "slack", map[string]any{"url": "https://hooks.example.com/x"}))
	if b.status != 201 {
		t.Fatalf("user create: %d %s", b.status, b.raw)
	}
	if got := e.srv.AllNotifications(); len(got) != 2 || got[0] != "acme/"+uuid || got[1] != "bob/"+b.field("uuid").(string) {
		t.Fatalf("all: %v", got)
	}
	if a := e.call(t, "DELETE", base+"/"+uuid, e.alice, nil); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "DELETE", base+"/"+uuid, e.alice, nil), 404, "not_found", "Not Found")
	// The quota events are repository notification events from 3.18 on.
	if a := e.call(t, "POST", "/api/v1/repository/acme/app/notification/", e.alice, notificationBody("quota_warning", "slack", map[string]any{"url": "u"})); a.status != 201 {
		t.Fatalf("repository quota event on 3.18: %d %s", a.status, a.raw)
	}
}

// TestPyJSONError pins the JSON error texts of Python 3.12's json.loads,
// which Quay's webhook template check reports.
func TestPyJSONError(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
		{"{\"a\"", "Expecting ':' delimiter: line 1 column 5 (char 4)"},
		{"{\"a\":", "Expecting value: line 1 column 6 (char 5)"},
		{"{\"a\":1", "Expecting ',' delimiter: line 1 column 7 (char 6)"},
		{"{\"a\":1,", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"},
		{"[", "Expecting value: line 1 column 2 (char 1)"},
		{"[1", "Expecting ',' delimiter: line 1 column 3 (char 2)"},
		{"[1,", "Expecting value: line 1 column 4 (char 3)"},
		{"x", "Expecting value: line 1 column 1 (char 0)"},
		{"", "Expecting value: line 1 column 1 (char 0)"},
		{"\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"},
		{"{\"a\":1}x", "Extra data: line 1 column 8 (char 7)"},
		{"{a:1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
		{"[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"},
		{"{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"},
		{"tru", "Expecting value: line 1 column 1 (char 0)"},
		{"{\"a\":1 \"b\":2}", "Expecting ',' delimiter: line 1 column 8 (char 7)"},
		{"  ", "Expecting value: line 1 column 3 (char 2)"},
		{"\"a\\q\"", "Invalid \\escape: line 1 column 3 (char 2)"},
		{"\"a\\u12x\"", "Invalid \\uXXXX escape: line 1 column 4 (char 3)"},
		{"\"a\u0001\"", "Invalid control character at: line 1 column 3 (char 2)"},
		{"{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"},
		{"[1,]", "Expecting value: line 1 column 4 (char 3)"},
		{"\n\n {\"a\": [1, }", "Expecting value: line 3 column 12 (char 13)"},
		{"\"\u00e9\\", "Unterminated string starting at: line 1 column 1 (char 0)"},
		{"{\"\u00e9\":x}", "Expecting value: line 1 column 6 (char 5)"},
		{"01", "Extra data: line 1 column 2 (char 1)"},
		{"-", "Expecting value: line 1 column 1 (char 0)"},
		{"1.", "Extra data: line 1 column 2 (char 1)"},
		{"[NaN]", ""},
	} {
		if got := pyJSONError(tc.text); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.text, got, tc.want)
		}
	}
}

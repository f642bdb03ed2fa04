package emulator

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestRequestsEndpoint: GET /_emulator/requests lists the requests per
// route pattern plus a total; DELETE resets them; its own calls are not
// counted. The prefix is one Quay does not serve.
func TestRequestsEndpoint(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"})
	e.call(t, "GET", "/api/v1/organization/acme", e.alice, nil)
	e.call(t, "GET", "/api/v1/organization/other", e.alice, nil)
	e.call(t, "GET", "/nowhere", "", nil)

	a := e.call(t, "GET", RequestsPath, "", nil)
	want := map[string]any{
		"POST /api/v1/organization/":         float64(1),
		"GET /api/v1/organization/{orgname}": float64(2),
		"GET (unrouted)":                     float64(1),
		"total":                              float64(4),
	}
	m, _ := a.body.(map[string]any)
	if a.status != 200 || len(m) != len(want) {
		t.Fatalf("counters: %d %s", a.status, a.raw)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (%s)", k, m[k], v, a.raw)
		}
	}
	if d := e.call(t, "DELETE", RequestsPath, "", nil); d.status != 204 {
		t.Fatalf("reset: %d", d.status)
	}
	if a := e.call(t, "GET", RequestsPath, "", nil); a.raw != "{\"total\":0}\n" {
		t.Fatalf("after reset: %s", a.raw)
	}
	if a := e.call(t, "POST", RequestsPath, "", nil); a.status != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", a.status)
	}
	if a := e.call(t, "GET", EmulatorPrefix+"nope", "", nil); a.status != 404 {
		t.Fatalf("unknown emulator path: %d", a.status)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestLog: one line per Quay request with method, path, status and
// duration; the emulator's own endpoints are not logged.
func TestRequestLog(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	var out syncBuffer
	e.srv.SetRequestLog(&out)
	e.call(t, "GET", "/api/v1/organization/acme?x=1", e.alice, nil)
	e.call(t, "PUT", "/api/v1/organization/acme", "", map[string]any{})
	e.call(t, "GET", RequestsPath, "", nil)
	e.srv.SetRequestLog(nil)
	e.call(t, "GET", "/api/v1/user/", e.alice, nil)

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	line := regexp.MustCompile(`^(GET|PUT) /api/v1/organization/acme (404|403) [0-9.]+(ns|µs|ms|s)$`)
	if len(lines) != 2 || !line.MatchString(lines[0]) || !line.MatchString(lines[1]) ||
		!strings.Contains(lines[0], " 404 ") || !strings.Contains(lines[1], " 403 ") {
		t.Fatalf("log:\n%s", out.String())
	}
}

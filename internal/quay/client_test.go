package quay

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// fastRetries keeps retry tests quick.
var fastRetries = RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}

func newTestClient(t *testing.T, url string, opts ...Option) *Client {
	t.Helper()
	c, err := New(url, append([]Option{WithToken("TOKEN"), WithRetryPolicy(fastRetries)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecodeErrorMessage(t *testing.T) {
	cases := []struct {
		name, body, want, wantType string
	}{
		{"problem", `{"detail":"Invalid email address","error_message":"other","error_type":"invalid_request","title":"invalid_request","type":"http://x/api/v1/error/invalid_request","status":400}`, "Invalid email address", "invalid_request"},
		{"problem schema first line", `{"detail":"'role' is a required property\n\nFailed validating 'required' in schema","error_type":"invalid_request"}`, "'role' is a required property", "invalid_request"},
		{"error_message only", `{"error_message":"from error_message"}`, "from error_message", ""},
		{"message", `{"message": "Team 'x' is not a team in org 'y'"}`, "Team 'x' is not a team in org 'y'", ""},
		{"error", `{"error": "Anonymous access is not allowed"}`, "Anonymous access is not allowed", ""},
		{"empty message", `{"message": ""}`, "", ""},
		{"html", "<html><head><title>404</title></head><body><h1>Not Found</h1><p>gone</p></body></html>", "404 Not Found gone", ""},
		{"text", "upstream connect error", "upstream connect error", ""},
		{"bare string", `"Created"`, `"Created"`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, gotType := decodeErrorMessage([]byte(tc.body))
			if got != tc.want || gotType != tc.wantType {
				t.Fatalf("decodeErrorMessage = %q, %q; want %q, %q", got, gotType, tc.want, tc.wantType)
			}
		})
	}
}

func TestNotFoundRules(t *testing.T) {
	cases := []struct {
		endpoint string
		status   int
		msg      string
		want     bool
	}{
		{"GetOrganization", 404, "Not Found", true},
		{"GetOrganization", 400, "bad", false},
		{"DeleteTeam", 400, "Team 'devs' is not a team in org 'acme'", true},
		{"DeleteTeam", 400, "Deleting team 'owners' would remove admin ability", false},
		{"RemoveTeamMember", 400, "User bob does not belong to team devs", true},
		{"GetRobot", 400, "Could not find robot with specified username", true},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(`{"message": "` + tc.msg + `"}`))
		}))
		c := newTestClient(t, srv.URL)
		err := c.do(context.Background(), call{endpoint: tc.endpoint, method: "GET", path: "/api/v1/x"})
		srv.Close()
		if IsNotFound(err) != tc.want {
			t.Errorf("%s %d %q: IsNotFound = %v, want %v", tc.endpoint, tc.status, tc.msg, IsNotFound(err), tc.want)
		}
		if ErrorMessage(err) != tc.msg {
			t.Errorf("message = %q, want %q", ErrorMessage(err), tc.msg)
		}
	}
}

func TestForbiddenOnVanishedOrgIsNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/organization/gone":
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"detail":"Not Found","error_type":"not_found","status":404}`))
		default:
			w.WriteHeader(403)
			_, _ = w.Write([]byte(`{"detail":"Unauthorized","error_type":"insufficient_scope","status":403}`))
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	err := c.do(context.Background(), call{endpoint: "X", method: "GET", path: "/api/v1/organization/gone/applications", orgScope: "gone"})
	if !IsNotFound(err) || !IsStatus(err, 403) {
		t.Fatalf("403 for a vanished org: %v (not found %v)", err, IsNotFound(err))
	}
	// A 403 for an org that exists stays a permission error.
	err = c.do(context.Background(), call{endpoint: "X", method: "GET", path: "/api/v1/organization/there/applications", orgScope: "there"})
	if IsNotFound(err) || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("403 for an existing org: %v", err)
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	var method string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, method = r.Header.Clone(), r.Method
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = w.Write([]byte("\"Created\"\n"))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithUserAgent("terraform-provider-quay/1.2.3 Terraform/1.11.4"))
	if err := c.CreateOrganization(context.Background(), CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Authorization": "Bearer TOKEN",
		"Accept":        "application/json",
		"Content-Type":  "application/json",
		"User-Agent":    "terraform-provider-quay/1.2.3 Terraform/1.11.4",
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, got.Get(k), v)
		}
	}
	if method != "POST" {
		t.Errorf("method = %s", method)
	}
}

// flaky answers the first failures with status (and Retry-After), then 200.
func flaky(failures int32, status int, retryAfter string, hits *int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddInt32(hits, 1)
		if n <= failures {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"acme"}`))
	})
}

func TestRetries(t *testing.T) {
	cases := []struct {
		method   string
		status   int
		failures int32
		wantHits int32
		wantErr  bool
	}{
		{"GET", 429, 2, 3, false},
		{"GET", 502, 1, 2, false},
		{"GET", 503, 1, 2, false},
		{"GET", 504, 1, 2, false},
		{"PUT", 503, 1, 2, false},
		{"DELETE", 502, 1, 2, false},
		{"GET", 500, 1, 2, false}, // a read is harmless to repeat
		{"PUT", 500, 1, 1, true},  // a write's 500 may be a real bug: not repeated
		{"DELETE", 500, 1, 1, true},
		{"GET", 429, 10, 4, true},  // gives up after MaxRetries
		{"POST", 429, 1, 2, false}, // Quay did not act
		{"POST", 503, 1, 2, false}, // Quay did not act
		{"POST", 502, 1, 1, true},  // Quay may have acted
		{"POST", 504, 1, 1, true},  // Quay may have acted
	}
	for _, tc := range cases {
		var hits int32
		srv := httptest.NewServer(flaky(tc.failures, tc.status, "", &hits))
		c := newTestClient(t, srv.URL)
		err := c.do(context.Background(), call{endpoint: "X", method: tc.method, path: "/api/v1/x", body: map[string]any{}})
		srv.Close()
		if (err != nil) != tc.wantErr || hits != tc.wantHits {
			t.Errorf("%s after %d×%d: err=%v hits=%d; want err=%v hits=%d", tc.method, tc.failures, tc.status, err, hits, tc.wantErr, tc.wantHits)
		}
	}
}

func TestRetryAfterIsHonouredAndCapped(t *testing.T) {
	var hits int32
	srv := httptest.NewServer(flaky(1, 429, "1", &hits))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithRetryPolicy(RetryPolicy{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Second}))
	start := time.Now()
	if err := c.do(context.Background(), call{endpoint: "X", method: "GET", path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("Retry-After: 1 waited only %v", d)
	}

	// The cap wins over a long Retry-After.
	hits = 0
	srv2 := httptest.NewServer(flaky(1, 503, "3600", &hits))
	defer srv2.Close()
	c = newTestClient(t, srv2.URL, WithRetryPolicy(RetryPolicy{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: 50 * time.Millisecond}))
	start = time.Now()
	if err := c.do(context.Background(), call{endpoint: "X", method: "GET", path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("capped Retry-After waited %v", d)
	}
}

func TestBackoffGrowsWithJitterUnderCap(t *testing.T) {
	c := &Client{retry: RetryPolicy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}}
	for attempt := 0; attempt < 8; attempt++ {
		full := min(100*time.Millisecond<<attempt, time.Second)
		for i := 0; i < 50; i++ {
			d := c.backoff(attempt, nil)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestConnectionErrors(t *testing.T) {
	// Nothing listens: a dial error, retried even for POST.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newTestClient(t, "http://"+addr)
	start := time.Now()
	err = c.CreateOrganization(context.Background(), CreateOrganizationRequest{Name: "x"})
	var apiErr *APIError
	if err == nil || errors.As(err, &apiErr) || !IsAmbiguous(err) {
		t.Fatalf("dial error: %v", err)
	}
	if time.Since(start) < 3*time.Millisecond {
		t.Fatalf("no retries happened")
	}

	// A connection cut after the request was sent: GET retried, POST not.
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "", true)
	tok := s.IssueToken("admin")
	hs := httptest.NewServer(s)
	defer hs.Close()
	c = newTestClient(t, hs.URL, WithToken(tok))
	s.SetFaults(emulator.Faults{Rate: 1, Kinds: []emulator.FaultKind{emulator.FaultCutAfter}})
	err = c.CreateOrganization(context.Background(), CreateOrganizationRequest{Name: "cut"})
	if err == nil || !IsAmbiguous(err) {
		t.Fatalf("cut POST: %v", err)
	}
	if n := s.Counts()["POST /api/v1/organization/"]; n != 1 {
		t.Fatalf("POST sent %d times after a cut connection, want 1", n)
	}
	s.SetFaults(emulator.Faults{Rate: 0.5, Kinds: []emulator.FaultKind{emulator.FaultCutBefore}, Seed: 7})
	for i := 0; i < 10; i++ {
		if _, err := c.GetOrganization(context.Background(), "cut"); err != nil {
			t.Fatalf("GET with retries under 50%% cut connections: %v", err)
		}
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)

	hc, err := NewHTTPClient(TLSOptions{}, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, srv.URL, WithHTTPClient(hc), WithRetryPolicy(RetryPolicy{}))
	start := time.Now()
	_, err = c.GetOrganization(context.Background(), "slow")
	if err == nil || !strings.Contains(err.Error(), "did not answer within the request timeout of 100ms") || time.Since(start) > 2*time.Second {
		t.Fatalf("timeout: %v after %v", err, time.Since(start))
	}

	c = newTestClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.GetOrganization(ctx, "slow")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("cancel: %v after %v", err, time.Since(start))
	}
}

func TestTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"acme"}`))
	}))
	defer srv.Close()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))

	try := func(opts TLSOptions) error {
		hc, err := NewHTTPClient(opts, 5*time.Second)
		if err != nil {
			return err
		}
		c := newTestClient(t, srv.URL, WithHTTPClient(hc), WithRetryPolicy(RetryPolicy{}))
		_, err = c.GetOrganization(context.Background(), "acme")
		return err
	}
	if err := try(TLSOptions{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate accepted: %v", err)
	}
	if err := try(TLSOptions{CACertPEM: caPEM}); err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	if err := try(TLSOptions{InsecureSkipVerify: true}); err != nil {
		t.Fatalf("insecure: %v", err)
	}
	if _, err := NewHTTPClient(TLSOptions{CACertPEM: "not pem"}, time.Second); err == nil {
		t.Fatal("bad PEM accepted")
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "quay.example.com", "ftp://quay.example.com", "https://", "https://q.example.com/?x=1"} {
		if _, err := New(u); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
	c, err := New("https://quay.example.com/prefix/")
	if err != nil || c.baseURL != "https://quay.example.com/prefix" {
		t.Fatalf("prefix URL: %v %q", err, c.baseURL)
	}
}

func TestOrganizationsAgainstEmulator(t *testing.T) {
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	c := newTestClient(t, hs.URL, WithToken(s.IssueToken("admin")))
	ctx := context.Background()

	me, err := c.GetCurrentUser(ctx)
	if err != nil || me.Username != "admin" || !me.SuperUser {
		t.Fatalf("GetCurrentUser: %+v %v", me, err)
	}
	ic, err := c.GetInstanceConfig(ctx)
	if err != nil || !ic.Feature("PROXY_CACHE") {
		t.Fatalf("GetInstanceConfig: %+v %v", ic, err)
	}
	if got := ic.TagExpirationSeconds(); len(got) != 5 || got[4] != 2419200 {
		t.Fatalf("TagExpirationSeconds = %v", got)
	}

	if err := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme", Email: "acme@example.com"}); err != nil {
		t.Fatal(err)
	}
	err = c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"})
	if !IsStatus(err, 400) || ErrorMessage(err) != "A user or organization with this name already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	org, err := c.GetOrganization(ctx, "acme")
	if err != nil || org.Email != "acme@example.com" || org.TagExpirationS == nil || org.Teams["owners"].Role != "admin" {
		t.Fatalf("GetOrganization: %+v %v", org, err)
	}
	week := int64(604800)
	addr := "bill@example.com"
	org, err = c.UpdateOrganization(ctx, "acme", UpdateOrganizationRequest{TagExpirationS: &week, InvoiceEmailAddress: &addr})
	if err != nil || *org.TagExpirationS != week || *org.InvoiceEmailAddress != addr {
		t.Fatalf("UpdateOrganization: %+v %v", org, err)
	}
	bad := int64(5)
	_, err = c.UpdateOrganization(ctx, "acme", UpdateOrganizationRequest{TagExpirationS: &bad})
	if ErrorMessage(err) != "Invalid tag expiration option" {
		t.Fatalf("bad tag expiration: %v", err)
	}
	if err := c.DeleteOrganization(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOrganization(ctx, "acme"); !IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if err := c.DeleteOrganization(ctx, "acme"); !IsNotFound(err) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestNotAQuay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>hello</html>"))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	if _, err := c.GetCurrentUser(context.Background()); err == nil || !strings.Contains(err.Error(), "is "+srv.URL+" a Quay server?") {
		t.Fatalf("HTML 200: %v", err)
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://quay.example.com":          "https://quay.example.com",
		"https://quay.example.com/":         "https://quay.example.com",
		" https://quay.example.com/api/v1 ": "https://quay.example.com",
		"https://quay.example.com/api/v1/":  "https://quay.example.com",
		"http://127.0.0.1:8080/quay/api/v1": "http://127.0.0.1:8080/quay",
		"https://quay.example.com/registry": "https://quay.example.com/registry",
	}
	for in, want := range ok {
		got, err := NormalizeBaseURL(in)
		if err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"quay.example.com":                       `it needs a scheme; write "https://quay.example.com"`,
		"quay.example.com:8443":                  `it needs a scheme; write "https://quay.example.com:8443"`,
		"ftp://quay.example.com":                 "the scheme must be http or https",
		"https://":                               "no host",
		"https://quay.example.com/?x=1":          "must not have a query",
		"https://alice:s3cret@quay.example.com":  "must not contain a user name or password",
		"https://alice:s3 cret@quay.example.com": "must not contain a user name or password",
		"https://s3cret@quay.example.com":        "must not contain a user name or password",
	}
	for in, want := range bad {
		_, err := NormalizeBaseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeBaseURL(%q) error = %v; want it to say %q", in, err, want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "s3 cret") {
			t.Errorf("NormalizeBaseURL(%q) error repeats the password: %v", in, err)
		}
	}
}

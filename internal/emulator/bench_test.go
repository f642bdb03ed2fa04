package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func BenchmarkRouterMatch(b *testing.B) {
	s := New(DefaultConfig())
	paths := []string{
		"/api/v1/organization/acme",
		"/api/v1/organization/acme/team/devs/members/alice",
		"/api/v1/superuser/users/alice",
		"/api/v1/organization/acme/applications/ABCDEFGHIJ0123456789",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if rt, _, _ := s.routes.match("GET", paths[i%len(paths)]); rt == nil && i%len(paths) != 1 {
			b.Fatal("no route")
		}
	}
}

// benchServe sends requests straight to ServeHTTP, without a network.
func benchServe(s *Server, method, path, token, body string) int {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w.Code
}

func BenchmarkEmulatorCreateOrganization(b *testing.B) {
	s := New(DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	tok := s.IssueToken("admin")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if code := benchServe(s, "POST", "/api/v1/organization/", tok, fmt.Sprintf(`{"name":"org%d"}`, i)); code != 201 {
			b.Fatalf("status %d", code)
		}
	}
}

// BenchmarkEmulatorGetOrganization reads an org with 50 teams, the shape
// the provider's team and org reads see.
func BenchmarkEmulatorGetOrganization(b *testing.B) {
	s := New(DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	tok := s.IssueToken("admin")
	benchServe(s, "POST", "/api/v1/organization/", tok, `{"name":"acme"}`)
	for i := 0; i < 50; i++ {
		benchServe(s, "PUT", fmt.Sprintf("/api/v1/organization/acme/team/team%d", i), tok, `{"role":"member"}`)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := benchServe(s, "GET", "/api/v1/organization/acme", tok, ""); code != 200 {
			b.Fatalf("status %d", code)
		}
	}
}

package quay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// The visibility POST only sets a value: a 502 is retried, as for a PUT.
func TestChangeRepositoryVisibilityRetries(t *testing.T) {
	var hits int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if atomic.AddInt32(&hits, 1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/repository/acme/team/app/changevisibility" {
			t.Errorf("request: %s %s", r.Method, r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"success": true}`))
	}))
	defer srv.Close()
	if err := newTestClient(t, srv.URL).ChangeRepositoryVisibility(context.Background(), "acme", "team/app", "public"); err != nil || hits != 2 {
		t.Fatalf("err=%v hits=%d", err, hits)
	}
}

// Quay answers a visibility change of a missing repository with 200 and
// a null body: that is NotFound.
func TestChangeRepositoryVisibilityNullIsNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("null\n"))
	}))
	defer srv.Close()
	if err := newTestClient(t, srv.URL).ChangeRepositoryVisibility(context.Background(), "acme", "app", "public"); !IsNotFound(err) {
		t.Fatalf("err=%v, want NotFound", err)
	}
}

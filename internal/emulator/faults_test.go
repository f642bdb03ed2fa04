package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultsBeforeAndAfter(t *testing.T) {
	e := newOrgTestEnv(t, nil)

	e.srv.SetFaults(Faults{Rate: 1, Kinds: []FaultKind{Fault503}})
	if a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "before"}); a.status != 503 {
		t.Fatalf("503 fault: %d", a.status)
	}
	e.srv.SetFaults(Faults{Rate: 1, Kinds: []FaultKind{Fault429}})
	if a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "before"}); a.status != 429 || a.header.Get("Retry-After") == "" {
		t.Fatalf("429 fault: %d %v", a.status, a.header)
	}

	// A cut after the change: the client sees an error, the org exists.
	e.srv.SetFaults(Faults{Rate: 1, Kinds: []FaultKind{FaultCutAfter}})
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/organization/", strings.NewReader(`{"name":"after"}`))
	req.Header.Set("Authorization", "Bearer "+e.alice)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("cut-after answered %d", resp.StatusCode)
	}
	e.srv.SetFaults(Faults{})
	if got := e.srv.Organizations(); len(got) != 1 || got[0] != "after" {
		t.Fatalf("organizations after faults = %v, want [after]", got)
	}

	// Faults only touch /api/ paths.
	e.srv.SetFaults(Faults{Rate: 1, Kinds: []FaultKind{Fault500}})
	if a := e.call(t, "GET", "/config", "", nil); a.status != 200 {
		t.Fatalf("/config under faults: %d", a.status)
	}
}

func TestLatencyAndCounters(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	e.srv.SetLatency(30 * time.Millisecond)
	start := time.Now()
	e.call(t, "GET", "/api/v1/organization/x", e.alice, nil)
	e.call(t, "GET", "/api/v1/organization/y", e.alice, nil)
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("two requests took %v with 30ms latency", d)
	}
	e.call(t, "GET", "/nope", "", nil)
	c := e.srv.Counts()
	if c["GET /api/v1/organization/{orgname}"] != 2 || c["GET (unrouted)"] != 1 {
		t.Fatalf("counts = %v", c)
	}
	e.srv.ResetCounts()
	if len(e.srv.Counts()) != 0 {
		t.Fatal("ResetCounts left counts")
	}
}

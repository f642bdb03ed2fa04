package quay

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// newEmulatorClient returns a client for a fresh emulator whose superuser
// "admin" has full access (or not).
func newEmulatorClient(t *testing.T, fullAccess bool) (*Client, *emulator.Server) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Features.SuperusersFullAccess = fullAccess
	em := emulator.New(cfg)
	em.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, WithToken(em.IssueToken("admin")), WithRetryPolicy(RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateOrganization(context.Background(), CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	return c, em
}

func TestQuotaClientAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulatorClient(t, true)
	if q, err := c.FindQuota(ctx, OrgQuotaPath, "acme"); err != nil || q != nil {
		t.Fatalf("FindQuota on an org without quota: %v, %v", q, err)
	}
	if err := c.CreateQuota(ctx, SuperuserQuotaPath, "acme", 1<<30); err != nil {
		t.Fatal(err)
	}
	q, err := c.FindQuota(ctx, OrgQuotaPath, "acme")
	if err != nil || q == nil || q.LimitBytes != 1<<30 || q.Limit != "1.0 GiB" {
		t.Fatalf("FindQuota: %+v, %v", q, err)
	}
	err = c.CreateQuota(ctx, OrgQuotaPath, "acme", 5)
	if !IsStatus(err, 400) || ErrorMessage(err) != "Organization quota for 'acme' already exists" {
		t.Fatalf("second quota: %v", err)
	}
	if err := c.CreateQuotaLimit(ctx, "acme", *q.ID, "Warning", 80); err != nil {
		t.Fatal(err)
	}
	limits, err := c.ListQuotaLimits(ctx, "acme", *q.ID)
	if err != nil || len(limits) != 1 || limits[0].LimitPercent != 80 {
		t.Fatalf("limits: %+v, %v", limits, err)
	}
	view, err := c.UpdateQuotaLimit(ctx, "acme", *q.ID, limits[0].ID, QuotaLimitRequest{ThresholdPercent: 60})
	if err != nil || view.LimitBytes != 1<<30 || view.Limits[0].LimitPercent != 60 {
		t.Fatalf("UpdateQuotaLimit answers the quota: %+v, %v", view, err)
	}
	err = c.CreateQuotaLimit(ctx, "acme", *q.ID, "Info", 10)
	if !IsStatus(err, 400) || ErrorMessage(err) != "Quota type must be one of [Warning, Reject]" {
		t.Fatalf("bad type: %v", err)
	}
	if _, err := c.UpdateQuota(ctx, SuperuserQuotaPath, "acme", *q.ID, 2<<30); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteQuotaLimit(ctx, "acme", *q.ID, limits[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteQuota(ctx, OrgQuotaPath, "acme", *q.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteQuota(ctx, OrgQuotaPath, "acme", *q.ID); !IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := c.FindQuota(ctx, SuperuserQuotaPath, "nobody"); !IsNotFound(err) {
		t.Fatalf("missing namespace: %v", err)
	}
}

func TestQuotaClientWithoutFullAccess(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulatorClient(t, false)
	if err := c.CreateQuota(ctx, OrgQuotaPath, "acme", 10); !IsStatus(err, 403) {
		t.Fatalf("org path write without full access: %v", err)
	}
	if err := c.CreateQuota(ctx, SuperuserQuotaPath, "acme", 10); err != nil {
		t.Fatal(err)
	}
	q, err := c.FindQuota(ctx, SuperuserQuotaPath, "acme")
	if err != nil || q == nil {
		t.Fatalf("%v %v", q, err)
	}
	if err := c.CreateQuotaLimit(ctx, "acme", *q.ID, "Reject", 90); !IsStatus(err, 403) {
		t.Fatalf("limit without full access: %v", err)
	}
}

// TestQuotaClientWire pins what goes over the wire: limit_bytes in quota
// bodies, threshold_percent in limit bodies, and the synthetic default
// entry skipped by FindQuota.
func TestQuotaClientWire(t *testing.T) {
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			bodies = append(bodies, m)
			if r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s %s without JSON content type", r.Method, r.URL.Path)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/organization/acme/quota":
			_, _ = w.Write([]byte(`[{"id":null,"limit_bytes":100,"default_config":true,"limits":[]},{"id":7,"limit_bytes":5,"limits":[{"id":9,"type":"Reject","limit_percent":90}]}]`))
		default:
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`"Created"`))
		}
	}))
	defer srv.Close()
	c, _ := New(srv.URL, WithToken("t"))
	ctx := context.Background()
	q, err := c.FindQuota(ctx, OrgQuotaPath, "acme")
	if err != nil || q == nil || *q.ID != 7 || q.Limits[0].LimitPercent != 90 {
		t.Fatalf("FindQuota: %+v %v", q, err)
	}
	if err := c.CreateQuota(ctx, OrgQuotaPath, "acme", 5); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateQuotaLimit(ctx, "acme", 7, "Warning", 80); err != nil {
		t.Fatal(err)
	}
	if bodies[0]["limit_bytes"] != float64(5) || len(bodies[0]) != 1 {
		t.Errorf("quota body %v", bodies[0])
	}
	if bodies[1]["threshold_percent"] != float64(80) || bodies[1]["type"] != "Warning" || len(bodies[1]) != 2 {
		t.Errorf("limit body %v", bodies[1])
	}
}

func TestServiceKeyClientAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	c, em := newEmulatorClient(t, false)
	exp := time.Now().Add(time.Hour).Unix()
	created, err := c.CreateServiceKey(ctx, CreateServiceKeyRequest{Service: "svc", Name: "n", Expiration: &exp, Metadata: map[string]string{"a": "1"}, Notes: "why"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := c.GetServiceKey(ctx, created.Kid)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.JWK.PublicKeyPEM()
	if err != nil || pub != created.PublicKey {
		t.Fatalf("PEM from the JWK differs from the create answer:\n%s\n%s (%v)", pub, created.PublicKey, err)
	}
	if k.Approval == nil || k.Approval.Approver.Username != "admin" || k.Approval.Notes != "why" {
		t.Fatalf("approval %+v", k.Approval)
	}
	when, err := ParseHTTPDate(*k.ExpirationDate)
	if err != nil || when.Unix() != exp {
		t.Fatalf("expiration %v %v", when, err)
	}
	k, err = c.UpdateServiceKey(ctx, created.Kid, UpdateServiceKeyRequest{ClearExpiration: true, Metadata: map[string]string{"b": "2"}})
	if err != nil || k.ExpirationDate != nil || k.Metadata["a"] != "1" || k.Metadata["b"] != "2" {
		t.Fatalf("update: %+v %v", k, err)
	}
	// Quay refuses a bad service name with an empty message: the status text stands in.
	_, err = c.CreateServiceKey(ctx, CreateServiceKeyRequest{Service: "Bad"})
	var apiErr *APIError
	if !IsStatus(err, 400) || !asAPIError(err, &apiErr) || apiErr.Message != "" || apiErr.Error() == "" {
		t.Fatalf("bad service: %v", err)
	}
	keys, err := c.ListServiceKeys(ctx)
	if err != nil || len(keys) != 2 {
		t.Fatalf("list (own key plus Quay's): %d %v", len(keys), err)
	}
	em.SetServiceKeyExpiration(created.Kid, time.Now().Add(-8*24*time.Hour))
	if _, err := c.GetServiceKey(ctx, created.Kid); !IsNotFound(err) {
		t.Fatalf("long-expired key: %v", err)
	}
	if err := c.DeleteServiceKey(ctx, created.Kid); !IsNotFound(err) {
		t.Fatalf("delete of a vanished key: %v", err)
	}
}

func TestCreateServiceKeySendsNullExpiration(t *testing.T) {
	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &body)
		_, _ = w.Write([]byte(`{"kid":"k","name":"","service":"s","public_key":"p","private_key":"q"}`))
	}))
	defer srv.Close()
	c, _ := New(srv.URL)
	if _, err := c.CreateServiceKey(context.Background(), CreateServiceKeyRequest{Service: "s"}); err != nil {
		t.Fatal(err)
	}
	if v, ok := body["expiration"]; !ok || v != nil {
		t.Fatalf("expiration must be sent as null, body %v", body)
	}
}

func asAPIError(err error, target **APIError) bool {
	e, ok := err.(*APIError)
	if ok {
		*target = e
	}
	return ok
}

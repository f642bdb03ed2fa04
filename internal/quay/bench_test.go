package quay

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

func BenchmarkDecodeErrorMessage(b *testing.B) {
	bodies := [][]byte{
		[]byte(`{"detail":"Invalid email address","error_message":"Invalid email address","error_type":"invalid_request","title":"invalid_request","type":"http://q/api/v1/error/invalid_request","status":400}`),
		[]byte(`{"message": "Team 'devs' is not a team in org 'acme'"}`),
		[]byte(`<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>`),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		decodeErrorMessage(bodies[i%len(bodies)])
	}
}

// BenchmarkClientGetOrganization is one full client round trip (request
// building, HTTP over loopback, decoding) against the emulator.
func BenchmarkClientGetOrganization(b *testing.B) {
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	c, err := New(hs.URL, WithToken(s.IssueToken("admin")))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetOrganization(ctx, "acme"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseQuotaSize(b *testing.B) {
	inputs := []string{"10 GiB", "500GB", "1073741824", "3Ti"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = ParseQuotaSize(inputs[i%len(inputs)])
	}
}

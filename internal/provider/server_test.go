package provider

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type payloadKey struct{}

// contextKeptAfterCall makes one ReadResource call whose context carries a
// payload, as Terraform's plugin layers hang loggers on it, and reports
// whether the server still reaches the payload once the call is over.
func contextKeptAfterCall(t *testing.T, server tfprotov6.ProviderServer) bool {
	t.Helper()
	payload := &[1 << 16]byte{}
	ref := weak.Make(payload)
	// A cancellable parent, like the gRPC stream context of a real call.
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, payload))
	if _, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "quay_organization"}); err != nil {
		t.Fatal(err)
	}
	cancel()
	ctx, payload = nil, nil //nolint:ineffassign,wastedassign // drop the test's own references
	runtime.GC()
	runtime.GC()
	kept := ref.Value() != nil
	runtime.KeepAlive(server)
	return kept
}

// TestServerReleasesCallContexts checks that the provider's server keeps
// nothing of a call's context after the call, and that the framework on its
// own does (the reason NewServer wraps it): when this second check fails,
// the framework has fixed the retention and the wrapper can go.
func TestServerReleasesCallContexts(t *testing.T) {
	if contextKeptAfterCall(t, NewServer("test")()) {
		t.Error("the provider's server still holds a finished call's context")
	}
	if !contextKeptAfterCall(t, providerserver.NewProtocol6(New("test")())()) {
		t.Error("the framework no longer holds finished call contexts: NewServer's wrapper is not needed any more")
	}
}

package provider

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// BenchmarkServerReadOrganization is the per-resource work of a no-change
// plan for one organization, in-process: the gRPC layer aside, everything
// the provider does for Terraform's ReadResource call, from decoding the
// prior state through the HTTP round trip to the emulator to encoding the
// new state.
func BenchmarkServerReadOrganization(b *testing.B) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	hs := httptest.NewServer(emu)
	defer hs.Close()
	ctx := context.Background()
	c, err := quay.New(hs.URL, quay.WithToken(token))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: "acme", Email: "acme@example.com"}); err != nil {
		b.Fatal(err)
	}

	server := NewServer("bench")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	config := dynamicValue(b, schemas.Provider.ValueType(), map[string]tftypes.Value{
		"url": tftypes.NewValue(tftypes.String, hs.URL), "token": tftypes.NewValue(tftypes.String, token),
	})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config, TerraformVersion: "1.11.4"})
	if err != nil || len(configured.Diagnostics) > 0 {
		b.Fatalf("configure: %v %v", err, configured.Diagnostics)
	}
	state := dynamicValue(b, schemas.ResourceSchemas["quay_organization"].ValueType(), map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "acme"),
	})
	req := &tfprotov6.ReadResourceRequest{TypeName: "quay_organization", CurrentState: &state}

	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.ReadResource(ctx, req)
		if err != nil || len(resp.Diagnostics) > 0 || resp.NewState == nil {
			b.Fatalf("read: %v %v", err, resp.Diagnostics)
		}
	}
}

// dynamicValue encodes an object of type typ with the given attributes and
// every other attribute null.
func dynamicValue(b *testing.B, typ tftypes.Type, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	b.Helper()
	attrs := map[string]tftypes.Value{}
	for name, t := range typ.(tftypes.Object).AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	for name, v := range set {
		attrs[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		b.Fatal(err)
	}
	return dv
}

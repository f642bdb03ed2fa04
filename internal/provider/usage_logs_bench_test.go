package provider

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// BenchmarkUsageLogsAtCap reads quay_usage_logs at its default cap of 1000
// entries from an emulator holding 5000, in-process through the provider
// server's ReadDataSource: the time per op is the time per 1000 entries,
// and requests/op the pages it took (20 entries a page).
func BenchmarkUsageLogsAtCap(b *testing.B) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	emu.AddUsageLogs(5000, "org_create_team", "admin", "admin")
	hs := httptest.NewServer(emu)
	defer hs.Close()
	ctx := context.Background()

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
	dsConfig := dynamicValue(b, schemas.DataSourceSchemas["quay_usage_logs"].ValueType(), nil)
	req := &tfprotov6.ReadDataSourceRequest{TypeName: "quay_usage_logs", Config: &dsConfig}

	emu.ResetCounts()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.ReadDataSource(ctx, req)
		if err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
			b.Fatalf("read: %v %v", err, resp.Diagnostics)
		}
	}
	b.ReportMetric(float64(emu.Counts()["GET /api/v1/superuser/logs"])/float64(b.N), "requests/op")
}

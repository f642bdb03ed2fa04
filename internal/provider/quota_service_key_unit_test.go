package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// unitProviderData is provider data for a fresh emulator and its superuser.
func unitProviderData(t *testing.T) *providerData {
	t.Helper()
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	c, err := quay.New(srv.URL, quay.WithToken(em.IssueToken("admin")))
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: c, me: &quay.CurrentUser{Username: "admin", SuperUser: true}}
}

// readRemoves calls Read directly with the given prior state and reports
// whether the resource was removed from state.
func readRemoves(t *testing.T, r fwresource.Resource, prior any) bool {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema}
	if diags := state.Set(ctx, prior); diags.HasError() {
		t.Fatalf("building state: %v", diags)
	}
	resp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Read failed: %v", resp.Diagnostics)
	}
	return resp.State.Raw.IsNull()
}

// Read turns Quay's 404 (namespace gone, or no quota) into "removed from state".
func TestQuotaReadRemovesMissingQuota(t *testing.T) {
	r := &quotaResource{data: unitProviderData(t)}
	prior := &quotaResourceModel{
		Namespace: types.StringValue("gone"), ID: types.Int64Value(1), Limit: quotaSizeOf("1 GiB"),
		LimitBytes: types.Int64Value(1 << 30), Limits: types.SetValueMust(quotaLimitObjectType, []attr.Value{}),
	}
	if !readRemoves(t, r, prior) {
		t.Fatal("a quota of a missing namespace was kept in state")
	}
}

func TestServiceKeyReadRemovesMissingKey(t *testing.T) {
	r := &serviceKeyResource{data: unitProviderData(t)}
	s := types.StringValue
	prior := &serviceKeyResourceModel{
		Kid: s("gone"), Service: s("svc"), Name: s(""), Expiration: types.StringNull(), Metadata: types.MapNull(types.StringType),
		Notes: s(""), PublicKey: s("x"), PrivateKey: s("y"), CreatedDate: s("z"), Approved: types.BoolValue(true),
		ApprovalType: s("t"), ApprovedDate: s("d"), Approver: s("admin"),
	}
	if !readRemoves(t, r, prior) {
		t.Fatal("a missing service key was kept in state")
	}
}

// A token whose user is not a superuser is refused at plan time with a
// clear reason, for quotas and for service keys.
func TestAccQuotaAndServiceKey_notSuperuser(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testEmulator == nil {
		t.Skip("needs a second, non-superuser account; the emulator makes one")
	}
	em := emulator.New(emulator.DefaultConfig())
	em.AddUser("plain", "plain@example.com", false)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	provider := fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, em.IssueToken("plain"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + "resource \"quay_quota\" \"test\" {\n  namespace = \"someorg\"\n  limit     = \"1 GiB\"\n}",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Quotas need a Quay superuser`),
			},
			{
				Config:      provider + `resource "quay_service_key" "test" { service = "svc" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Service keys need a Quay superuser`),
			},
		},
	})
}

package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// Read drops a default permission whose id is not in the organization's
// list, and one whose organization is gone.
func TestDefaultPermissionReadRemovesMissing(t *testing.T) {
	pd := unitProviderData(t)
	if err := pd.client.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	r := &defaultPermissionResource{data: pd}
	for _, org := range []string{"acme", "gone"} {
		prior := &defaultPermissionModel{
			Organization: types.StringValue(org), Role: types.StringValue("read"), DelegateTeam: types.StringValue("owners"),
			DelegateUsername: types.StringNull(), ActivatingUsername: types.StringNull(), ID: types.StringValue("00000000-0000-4000-8000-000000000000"),
		}
		if !readRemoves(t, r, prior) {
			t.Fatalf("a missing default permission of %q was kept in state", org)
		}
	}
}

// Quay answers 400, not 404, for a grant that does not exist (also for a
// missing repository); Read drops it.
func TestRepositoryPermissionReadRemovesMissing(t *testing.T) {
	pd := unitProviderData(t)
	ctx := context.Background()
	if err := pd.client.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pd.client.CreateRepository(ctx, quay.CreateRepositoryRequest{Namespace: "acme", Repository: "app", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	r := &repositoryPermissionResource{data: pd}
	for _, prior := range []*repositoryPermissionModel{
		{Repository: types.StringValue("acme/app"), Team: types.StringValue("owners"), Username: types.StringNull(), Role: types.StringValue("read")},
		{Repository: types.StringValue("acme/app"), Team: types.StringNull(), Username: types.StringValue("nobody"), Role: types.StringValue("read")},
		{Repository: types.StringValue("acme/gone"), Team: types.StringNull(), Username: types.StringValue("admin"), Role: types.StringValue("admin")},
	} {
		if !readRemoves(t, r, prior) {
			t.Fatalf("a missing grant was kept in state: %+v", prior)
		}
	}
}

// importByIdentity runs ImportState with an identity only and returns the
// state it made.
func importByIdentity(t *testing.T, r fwresource.ResourceWithIdentity, identity any) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	var idResp fwresource.IdentitySchemaResponse
	r.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &idResp)
	id := &tfsdk.ResourceIdentity{Schema: idResp.IdentitySchema, Raw: tftypes.NewValue(idResp.IdentitySchema.Type().TerraformType(ctx), nil)}
	if diags := id.Set(ctx, identity); diags.HasError() {
		t.Fatalf("identity: %v", diags)
	}
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	resp := fwresource.ImportStateResponse{State: state, Identity: &tfsdk.ResourceIdentity{Schema: idResp.IdentitySchema, Raw: tftypes.NewValue(idResp.IdentitySchema.Type().TerraformType(ctx), nil)}}
	importer, ok := r.(fwresource.ResourceWithImportState)
	if !ok {
		t.Fatal("no ImportState")
	}
	importer.ImportState(ctx, fwresource.ImportStateRequest{Identity: id}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("ImportState: %v", resp.Diagnostics)
	}
	return resp.State
}

func stateString(t *testing.T, s tfsdk.State, attr string) types.String {
	t.Helper()
	var v types.String
	if diags := s.GetAttribute(context.Background(), path.Root(attr), &v); diags.HasError() {
		t.Fatal(diags)
	}
	return v
}

// Import by identity works below the CLI too (the acceptance tests of it
// need Terraform or OpenTofu 1.12+).
func TestPermissionImportByIdentity(t *testing.T) {
	s := importByIdentity(t, &defaultPermissionResource{}, defaultPermissionIdentityModel{Organization: types.StringValue("acme"), ID: types.StringValue("abc")})
	if stateString(t, s, "organization").ValueString() != "acme" || stateString(t, s, "id").ValueString() != "abc" {
		t.Fatalf("default permission import: %v", s.Raw)
	}
	s = importByIdentity(t, &repositoryPermissionResource{}, repositoryPermissionIdentityModel{Repository: types.StringValue("acme/team/app"), Team: types.StringNull(), Username: types.StringValue("acme+bot")})
	if stateString(t, s, "repository").ValueString() != "acme/team/app" || stateString(t, s, "username").ValueString() != "acme+bot" || !stateString(t, s, "team").IsNull() {
		t.Fatalf("repository permission import: %v", s.Raw)
	}
	s = importByIdentity(t, &repositoryPermissionsResource{}, repositoryPermissionsIdentityModel{Repository: types.StringValue("acme/app")})
	if stateString(t, s, "repository").ValueString() != "acme/app" {
		t.Fatalf("repository permissions import: %v", s.Raw)
	}
}

// Import IDs: the repository name may hold "/"; the grantee kind is the
// second-last part.
func TestRepositoryPermissionImportID(t *testing.T) {
	ctx := context.Background()
	r := &repositoryPermissionResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	run := func(id string) (tfsdk.State, bool) {
		resp := fwresource.ImportStateResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}}
		r.ImportState(ctx, fwresource.ImportStateRequest{ID: id}, &resp)
		return resp.State, !resp.Diagnostics.HasError()
	}
	s, ok := run("acme/team/app/team/builders")
	if !ok || stateString(t, s, "repository").ValueString() != "acme/team/app" || stateString(t, s, "team").ValueString() != "builders" {
		t.Fatalf("nested repository: %v %v", ok, s.Raw)
	}
	for _, bad := range []string{"acme/app", "acme/app/robot/x", "acme/app/user/", "acme//app/user/bob", "app/user/bob"} {
		if _, ok := run(bad); ok {
			t.Errorf("import ID %q was accepted", bad)
		}
	}
}

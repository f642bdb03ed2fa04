package provider

import (
	"context"
	"errors"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure   = (*globalMessageResource)(nil)
	_ resource.ResourceWithImportState = (*globalMessageResource)(nil)
	_ resource.ResourceWithIdentity    = (*globalMessageResource)(nil)
)

// NewGlobalMessageResource is the quay_global_message resource.
func NewGlobalMessageResource() resource.Resource { return &globalMessageResource{} }

type globalMessageResource struct{ data *providerData }

type globalMessageModel struct {
	Content   types.String `tfsdk:"content"`
	MediaType types.String `tfsdk:"media_type"`
	Severity  types.String `tfsdk:"severity"`
	UUID      types.String `tfsdk:"uuid"`
}

var (
	messageMediaTypes = []string{"text/plain", "text/markdown"}
	messageSeverities = []string{"info", "warning", "error"}
)

func (r *globalMessageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_global_message"
}

func (r *globalMessageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A message Quay's web UI shows every user in a banner (maintenance windows, policy notices). Needs a superuser's token. Quay cannot change a message: every change replaces it. Import by uuid.",
		Attributes: map[string]schema.Attribute{
			"content":    schema.StringAttribute{MarkdownDescription: "The text of the message.", Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: replace},
			"media_type": schema.StringAttribute{MarkdownDescription: "`text/markdown` (the default) or `text/plain`.", Optional: true, Computed: true, Default: stringdefault.StaticString("text/markdown"), Validators: []validator.String{stringvalidator.OneOf(messageMediaTypes...)}, PlanModifiers: replace},
			"severity":   schema.StringAttribute{MarkdownDescription: "`info` (the default), `warning` or `error`: the banner's colour.", Optional: true, Computed: true, Default: stringdefault.StaticString("info"), Validators: []validator.String{stringvalidator.OneOf(messageSeverities...)}, PlanModifiers: replace},
			"uuid":       schema.StringAttribute{MarkdownDescription: "UUID Quay gave the message.", Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
	}
}

func (r *globalMessageResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"uuid": identityschema.StringAttribute{RequiredForImport: true, Description: "UUID of the message."},
	}}
}

func (r *globalMessageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m *globalMessageModel) message() quay.GlobalMessage {
	return quay.GlobalMessage{Content: m.Content.ValueString(), MediaType: m.MediaType.ValueString(), Severity: m.Severity.ValueString()}
}

func (r *globalMessageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan globalMessageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	want := plan.message()
	// Quay's create answers without the uuid: the new message is the one
	// that was not in the list before.
	before, err := c.ListGlobalMessages(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list the global messages", err)
		return
	}
	err = c.CreateGlobalMessage(ctx, want)
	if err != nil && !quay.IsAmbiguous(err) {
		addAPIError(&resp.Diagnostics, "Unable to create the global message", err)
		return
	}
	after, lerr := c.ListGlobalMessages(ctx)
	if lerr != nil {
		addAPIError(&resp.Diagnostics, "Unable to find the new global message", lerr)
		return
	}
	var found *quay.GlobalMessage
	for i, m := range after {
		known := slices.ContainsFunc(before, func(b quay.GlobalMessage) bool { return b.UUID == m.UUID })
		if !known && m.Content == want.Content && m.MediaType == want.MediaType && m.Severity == want.Severity {
			found = &after[i]
		}
	}
	if found == nil {
		if err == nil {
			err = errors.New("the message was accepted but is not listed")
		}
		addAPIError(&resp.Diagnostics, "Unable to create the global message", err)
		return
	}
	if err != nil {
		tflog.Warn(ctx, "global message create failed ambiguously; keeping the message Quay made", map[string]any{"uuid": found.UUID})
	}
	messageToModel(found, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("uuid"), found.UUID)...)
	}
}

func messageToModel(m *quay.GlobalMessage, model *globalMessageModel) {
	model.UUID = types.StringValue(m.UUID)
	model.Content = types.StringValue(m.Content)
	model.MediaType = types.StringValue(m.MediaType)
	model.Severity = types.StringValue(m.Severity)
}

// Read finds the message in Quay's list (Quay has no read of one).
func (r *globalMessageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state globalMessageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	uuid := state.UUID.ValueString()
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("uuid"), uuid)...)
	}
	list, err := r.data.client.ListGlobalMessages(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list the global messages", err)
		return
	}
	i := slices.IndexFunc(list, func(m quay.GlobalMessage) bool { return m.UUID == uuid })
	if i < 0 {
		tflog.Warn(ctx, "global message no longer exists in Quay; removing it from state", map[string]any{"uuid": uuid})
		resp.State.RemoveResource(ctx)
		return
	}
	messageToModel(&list[i], &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called: every attribute replaces the message.
func (r *globalMessageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan globalMessageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("uuid"), plan.UUID)...)
	}
}

func (r *globalMessageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state globalMessageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.client.DeleteGlobalMessage(ctx, state.UUID.ValueString()); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete global message "+state.UUID.ValueString(), err)
	}
}

func (r *globalMessageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("uuid"), path.Root("uuid"), req, resp)
}

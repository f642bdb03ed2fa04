package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*immutabilityPolicyResource)(nil)
	_ resource.ResourceWithImportState      = (*immutabilityPolicyResource)(nil)
	_ resource.ResourceWithIdentity         = (*immutabilityPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*immutabilityPolicyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*immutabilityPolicyResource)(nil)
)

// NewImmutabilityPolicyResource is the quay_immutability_policy resource.
func NewImmutabilityPolicyResource() resource.Resource { return &immutabilityPolicyResource{} }

type immutabilityPolicyResource struct{ data *providerData }

type immutabilityPolicyModel struct {
	Organization      types.String `tfsdk:"organization"`
	Repository        types.String `tfsdk:"repository"`
	TagPattern        types.String `tfsdk:"tag_pattern"`
	TagPatternMatches types.Bool   `tfsdk:"tag_pattern_matches"`
	UUID              types.String `tfsdk:"uuid"`
}

var immutableTagsFeature = serverFeature{what: "immutability policies", flag: "IMMUTABLE_TAGS", since: [2]int{3, 17}}

func (m *immutabilityPolicyModel) targetModel() policyTargetModel {
	return policyTargetModel{Organization: m.Organization, UserNamespace: types.StringNull(), Repository: m.Repository}
}

func (r *immutabilityPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_immutability_policy"
}

func (r *immutabilityPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := policyTargetAttributes("policy", false)
	maps.Copy(attrs, map[string]schema.Attribute{
		"tag_pattern": schema.StringAttribute{
			MarkdownDescription: "Regular expression for the names of the tags to protect, matched against the whole name (`v1` matches only `v1`; use `v1\\..*` for the v1 series). At most 256 characters; one policy per pattern and target. Changes in place.",
			Required:            true,
			Validators:          []validator.String{tagPatternValidator{maxLength: 256}},
		},
		"tag_pattern_matches": schema.BoolAttribute{
			MarkdownDescription: "With `true` (the default), tags that match `tag_pattern` are immutable; with `false`, every tag that does not. Changes in place.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(true),
		},
		"uuid": schema.StringAttribute{
			MarkdownDescription: "UUID Quay gave the policy.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	})
	resp.Schema = schema.Schema{
		MarkdownDescription: "An immutability policy of an organization or one repository. **When the policy is created or changed, Quay at once marks every matching tag immutable, and deleting or narrowing the policy never makes those tags mutable again**: a repository administrator must clear them one by one. " +
			"An immutable tag cannot be pushed over, moved to another image or deleted, and does not expire (unless `FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE`); auto-prune skips it. New tags that match are immutable from their first push. " +
			"Needs Quay 3.17+ with `FEATURE_IMMUTABLE_TAGS`; the plan says when the server does not have it. A policy with the same pattern as one the target already has is not taken over: import it (`<target>/<uuid>`).",
		Attributes: attrs,
	}
}

func (r *immutabilityPolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = policyIdentitySchema("policy")
}

func (r *immutabilityPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *immutabilityPolicyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("organization"), path.MatchRoot("repository")),
	}
}

func (r *immutabilityPolicyResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	refuseUnserved(r.data.instance, immutableTagsFeature, &resp.Diagnostics)
}

func (m *immutabilityPolicyModel) policy() quay.ImmutabilityPolicy {
	return quay.ImmutabilityPolicy{TagPattern: m.TagPattern.ValueString(), TagPatternMatches: m.TagPatternMatches.IsNull() || m.TagPatternMatches.ValueBool()}
}

func (r *immutabilityPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan immutabilityPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	tm := plan.targetModel()
	target, label := tm.target(r.data), tm.label()
	want := plan.policy()
	samePattern := func(p quay.ImmutabilityPolicy) bool { return p.TagPattern == want.TagPattern }
	// Quay allows one policy per pattern: the list before the create names
	// an existing one, and tells a policy made by a lost answer from it.
	before, err := c.ListImmutabilityPolicies(ctx, target)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the immutability policies of %s", label), err)
		return
	}
	if i := slices.IndexFunc(before, samePattern); i >= 0 {
		addAlreadyExistsError(&resp.Diagnostics, "quay_immutability_policy", fmt.Sprintf("an immutability policy of %s for the pattern %q", label, want.TagPattern), label+"/"+before[i].UUID, "")
		return
	}
	uuid, err := c.CreateImmutabilityPolicy(ctx, target, want)
	if err != nil && (quay.IsAmbiguous(err) || quay.IsDuplicatePolicy(err)) {
		if after, lerr := c.ListImmutabilityPolicies(ctx, target); lerr == nil {
			if i := slices.IndexFunc(after, samePattern); i >= 0 {
				tflog.Warn(ctx, "immutability policy create failed ambiguously; keeping the policy Quay made", map[string]any{"target": label, "uuid": after[i].UUID})
				uuid, err = after[i].UUID, nil
			}
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create an immutability policy for %s", label), err)
		return
	}
	plan.UUID = types.StringValue(uuid)
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPolicyIdentity(ctx, label, uuid, resp.Identity, &resp.Diagnostics)
}

// readInto reads the policy back into m after a write.
func (r *immutabilityPolicyResource) readInto(ctx context.Context, m *immutabilityPolicyModel, diags *diag.Diagnostics) {
	tm := m.targetModel()
	p, err := r.data.client.GetImmutabilityPolicy(ctx, tm.target(r.data), m.UUID.ValueString())
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read immutability policy %s of %s back", m.UUID.ValueString(), tm.label()), err)
		return
	}
	immutabilityToModel(p, m)
}

func immutabilityToModel(p *quay.ImmutabilityPolicy, m *immutabilityPolicyModel) {
	m.UUID = types.StringValue(p.UUID)
	m.TagPattern = types.StringValue(p.TagPattern)
	m.TagPatternMatches = types.BoolValue(p.TagPatternMatches)
}

func (r *immutabilityPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state immutabilityPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := state.targetModel()
	setPolicyIdentity(ctx, tm.label(), state.UUID.ValueString(), resp.Identity, &resp.Diagnostics)
	p, err := r.data.client.GetImmutabilityPolicy(ctx, tm.target(r.data), state.UUID.ValueString())
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "immutability policy no longer exists in Quay; removing it from state", map[string]any{"target": tm.label(), "uuid": state.UUID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read immutability policy %s of %s", state.UUID.ValueString(), tm.label()), err)
		return
	}
	immutabilityToModel(p, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *immutabilityPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state immutabilityPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := state.targetModel()
	plan.UUID = state.UUID
	if err := r.data.client.UpdateImmutabilityPolicy(ctx, tm.target(r.data), state.UUID.ValueString(), plan.policy()); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update immutability policy %s of %s", state.UUID.ValueString(), tm.label()), err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPolicyIdentity(ctx, tm.label(), state.UUID.ValueString(), resp.Identity, &resp.Diagnostics)
}

// Delete removes the policy; the tags it made immutable stay immutable.
func (r *immutabilityPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state immutabilityPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := state.targetModel()
	if err := r.data.client.DeleteImmutabilityPolicy(ctx, tm.target(r.data), state.UUID.ValueString()); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete immutability policy %s of %s", state.UUID.ValueString(), tm.label()), err)
	}
}

func (r *immutabilityPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importPolicy(ctx, r.data, false, req, resp)
}

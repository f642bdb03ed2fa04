package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ resource.ResourceWithConfigure        = (*autoPrunePolicyResource)(nil)
	_ resource.ResourceWithImportState      = (*autoPrunePolicyResource)(nil)
	_ resource.ResourceWithIdentity         = (*autoPrunePolicyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*autoPrunePolicyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*autoPrunePolicyResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*autoPrunePolicyResource)(nil)
)

// NewAutoPrunePolicyResource is the quay_auto_prune_policy resource.
func NewAutoPrunePolicyResource() resource.Resource { return &autoPrunePolicyResource{} }

type autoPrunePolicyResource struct{ data *providerData }

type autoPrunePolicyModel struct {
	Organization      types.String `tfsdk:"organization"`
	UserNamespace     types.String `tfsdk:"user_namespace"`
	Repository        types.String `tfsdk:"repository"`
	Method            types.String `tfsdk:"method"`
	Value             types.String `tfsdk:"value"`
	TagPattern        types.String `tfsdk:"tag_pattern"`
	TagPatternMatches types.Bool   `tfsdk:"tag_pattern_matches"`
	UUID              types.String `tfsdk:"uuid"`
}

// autoPruneFeature: namespace policies since 3.10 (repository policies
// since 3.11, several per target and tag patterns since 3.13).
var autoPruneFeature = serverFeature{what: "auto-prune policies", flag: "AUTO_PRUNE", since: [2]int{3, 10}}

var (
	tagCountValue = regexp.MustCompile(`^[1-9][0-9]*$`)
	durationValue = regexp.MustCompile(`^[1-9][0-9]*[smhdwy]$`)
)

func (m *autoPrunePolicyModel) targetModel() policyTargetModel {
	return policyTargetModel{Organization: m.Organization, UserNamespace: m.UserNamespace, Repository: m.Repository}
}

func (r *autoPrunePolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auto_prune_policy"
}

func (r *autoPrunePolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := policyTargetAttributes("policy", true)
	maps.Copy(attrs, map[string]schema.Attribute{
		"method": schema.StringAttribute{
			MarkdownDescription: "`number_of_tags` (keep the newest `value` tags) or `creation_date` (delete tags older than `value`). Changes in place.",
			Required:            true,
			Validators:          []validator.String{stringvalidator.OneOf("number_of_tags", "creation_date")},
		},
		"value": schema.StringAttribute{
			MarkdownDescription: "For `number_of_tags`, how many tags to keep: a whole number above 0, such as `\"10\"`. For `creation_date`, the age past which tags go: a whole number and one unit of `s`, `m`, `h`, `d`, `w` or `y`, such as `\"7d\"`. Changes in place.",
			Required:            true,
		},
		"tag_pattern": schema.StringAttribute{
			MarkdownDescription: "Regular expression that limits the policy to some tags. Quay searches the tag name for it (it is not anchored: `dev` also matches `my-dev-build`; use `^dev-.*$` for a prefix). Unset for every tag. Needs Quay 3.13 or later. Changes in place.",
			Optional:            true,
			Validators:          []validator.String{tagPatternValidator{}},
		},
		"tag_pattern_matches": schema.BoolAttribute{
			MarkdownDescription: "With `true` (the default), the policy prunes tags that match `tag_pattern`; with `false`, tags that do not. Changes in place.",
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
		MarkdownDescription: "An auto-prune policy of an organization, a user namespace or one repository: Quay's auto-prune worker deletes the tags it selects, by number or by age, on its own schedule (by default at most once an hour per namespace), not when the policy is applied. " +
			"Several policies may apply to one target (Quay 3.13+) and their effects add up; immutable tags are never pruned, and namespace policies skip repositories that are not in the `NORMAL` state. Deleted tags can be restored during the namespace's time machine window. " +
			"Needs `FEATURE_AUTO_PRUNE`; the plan says when the server does not have it. A policy identical to one the target already has is not taken over: import it (`<target>/<uuid>`).",
		Attributes: attrs,
	}
}

func (r *autoPrunePolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = policyIdentitySchema("policy")
}

func (r *autoPrunePolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *autoPrunePolicyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("organization"), path.MatchRoot("user_namespace"), path.MatchRoot("repository")),
	}
}

// ValidateConfig checks value against the method, as Quay does.
func (r *autoPrunePolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var method, value types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("method"), &method)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value"), &value)...)
	if resp.Diagnostics.HasError() || method.IsNull() || method.IsUnknown() || value.IsNull() || value.IsUnknown() {
		return
	}
	v := value.ValueString()
	switch method.ValueString() {
	case "number_of_tags":
		if !tagCountValue.MatchString(v) {
			resp.Diagnostics.AddAttributeError(path.Root("value"), "Invalid value for number_of_tags",
				fmt.Sprintf("%q is not a number of tags: give a whole number above 0, such as \"10\".", v))
		}
	case "creation_date":
		if !durationValue.MatchString(v) {
			resp.Diagnostics.AddAttributeError(path.Root("value"), "Invalid value for creation_date",
				fmt.Sprintf("%q is not an age Quay understands: give a whole number above 0 and one unit of s, m, h, d, w or y (lowercase), such as \"7d\" or \"12h\".", v))
		}
	}
}

// ModifyPlan refuses, before any write, a server without auto-prune.
func (r *autoPrunePolicyResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	refuseUnserved(r.data.instance, autoPruneFeature, &resp.Diagnostics)
}

func (m *autoPrunePolicyModel) policy() quay.AutoPrunePolicy {
	matches := m.TagPatternMatches.IsNull() || m.TagPatternMatches.ValueBool()
	return quay.AutoPrunePolicy{
		Method:            m.Method.ValueString(),
		Value:             quay.AutoPruneValue(m.Method.ValueString(), m.Value.ValueString()),
		TagPattern:        m.TagPattern.ValueStringPointer(),
		TagPatternMatches: &matches,
	}
}

// samePolicy says whether two policies are what Quay calls duplicates.
func samePolicy(a, b quay.AutoPrunePolicy) bool {
	return a.Method == b.Method && a.ValueString() == b.ValueString() && derefString(a.TagPattern) == derefString(b.TagPattern) &&
		(a.TagPatternMatches == nil || *a.TagPatternMatches) == (b.TagPatternMatches == nil || *b.TagPatternMatches)
}

func (r *autoPrunePolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan autoPrunePolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	tm := plan.targetModel()
	target, label := tm.target(r.data), tm.label()
	want := plan.policy()
	// Quay refuses an exact duplicate; the list before the create names the
	// existing policy, and tells a policy made by a lost answer from it.
	before, err := c.ListAutoPrunePolicies(ctx, target)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the auto-prune policies of %s", label), err)
		return
	}
	if i := slices.IndexFunc(before, func(p quay.AutoPrunePolicy) bool { return samePolicy(p, want) }); i >= 0 {
		addAlreadyExistsError(&resp.Diagnostics, "quay_auto_prune_policy", "an identical auto-prune policy of "+label, label+"/"+before[i].UUID, "")
		return
	}
	uuid, err := c.CreateAutoPrunePolicy(ctx, target, want)
	if err != nil && (quay.IsAmbiguous(err) || quay.IsDuplicatePolicy(err)) {
		if p := adoptNewPolicy(ctx, before, want, func(ctx context.Context) ([]quay.AutoPrunePolicy, error) { return c.ListAutoPrunePolicies(ctx, target) }); p != "" {
			tflog.Warn(ctx, "auto-prune policy create failed ambiguously; keeping the policy Quay made", map[string]any{"target": label, "uuid": p})
			uuid, err = p, nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create an auto-prune policy for %s", label), err)
		return
	}
	plan.UUID = types.StringValue(uuid)
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPolicyIdentity(ctx, label, uuid, resp.Identity, &resp.Diagnostics)
}

// adoptNewPolicy lists the target again and returns the uuid of the one
// policy identical to want that was not there before; "" otherwise.
func adoptNewPolicy(ctx context.Context, before []quay.AutoPrunePolicy, want quay.AutoPrunePolicy, list func(context.Context) ([]quay.AutoPrunePolicy, error)) string {
	after, err := list(ctx)
	if err != nil {
		return ""
	}
	found := ""
	for _, p := range after {
		known := slices.ContainsFunc(before, func(b quay.AutoPrunePolicy) bool { return b.UUID == p.UUID })
		if !known && samePolicy(p, want) {
			if found != "" {
				return ""
			}
			found = p.UUID
		}
	}
	return found
}

// readInto reads the policy back into m after a write.
func (r *autoPrunePolicyResource) readInto(ctx context.Context, m *autoPrunePolicyModel, diags *diag.Diagnostics) {
	tm := m.targetModel()
	p, err := r.data.client.GetAutoPrunePolicy(ctx, tm.target(r.data), m.UUID.ValueString())
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read auto-prune policy %s of %s back", m.UUID.ValueString(), tm.label()), err)
		return
	}
	autoPruneToModel(p, m)
}

func autoPruneToModel(p *quay.AutoPrunePolicy, m *autoPrunePolicyModel) {
	m.UUID = types.StringValue(p.UUID)
	m.Method = types.StringValue(p.Method)
	m.Value = types.StringValue(p.ValueString())
	m.TagPattern = types.StringPointerValue(p.TagPattern)
	m.TagPatternMatches = types.BoolValue(p.TagPatternMatches == nil || *p.TagPatternMatches)
}

func (r *autoPrunePolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state autoPrunePolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := state.targetModel()
	setPolicyIdentity(ctx, tm.label(), state.UUID.ValueString(), resp.Identity, &resp.Diagnostics)
	p, err := r.data.client.GetAutoPrunePolicy(ctx, tm.target(r.data), state.UUID.ValueString())
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "auto-prune policy no longer exists in Quay; removing it from state", map[string]any{"target": tm.label(), "uuid": state.UUID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read auto-prune policy %s of %s", state.UUID.ValueString(), tm.label()), err)
		return
	}
	autoPruneToModel(p, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *autoPrunePolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state autoPrunePolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := state.targetModel()
	plan.UUID = state.UUID
	// Quay's PUT replaces the policy: every field is sent.
	if err := r.data.client.UpdateAutoPrunePolicy(ctx, tm.target(r.data), state.UUID.ValueString(), plan.policy()); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update auto-prune policy %s of %s", state.UUID.ValueString(), tm.label()), err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPolicyIdentity(ctx, tm.label(), state.UUID.ValueString(), resp.Identity, &resp.Diagnostics)
}

func (r *autoPrunePolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state autoPrunePolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := state.targetModel()
	if err := r.data.client.DeleteAutoPrunePolicy(ctx, tm.target(r.data), state.UUID.ValueString()); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete auto-prune policy %s of %s", state.UUID.ValueString(), tm.label()), err)
	}
}

func (r *autoPrunePolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importPolicy(ctx, r.data, true, req, resp)
}

package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*quotaResource)(nil)
	_ resource.ResourceWithImportState      = (*quotaResource)(nil)
	_ resource.ResourceWithIdentity         = (*quotaResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*quotaResource)(nil)
	_ resource.ResourceWithConfigValidators = (*quotaResource)(nil)
)

// NewQuotaResource is the quay_quota resource.
func NewQuotaResource() resource.Resource { return &quotaResource{} }

type quotaResource struct {
	data *providerData
}

type quotaResourceModel struct {
	Namespace  types.String   `tfsdk:"namespace"`
	ID         types.Int64    `tfsdk:"id"`
	Limit      quotaSizeValue `tfsdk:"limit"`
	LimitBytes types.Int64    `tfsdk:"limit_bytes"`
	Limits     types.Set      `tfsdk:"limits"`
}

type quotaLimitModel struct {
	Type             types.String `tfsdk:"type"`
	ThresholdPercent types.Int64  `tfsdk:"threshold_percent"`
}

type quotaIdentityModel struct {
	Namespace types.String `tfsdk:"namespace"`
}

var quotaLimitAttrTypes = map[string]attr.Type{"type": types.StringType, "threshold_percent": types.Int64Type}

var quotaLimitObjectType = types.ObjectType{AttrTypes: quotaLimitAttrTypes}

// fullAccessHint explains what limits need, for plan and apply errors.
const fullAccessHint = "Quay keeps quota limits only under /api/v1/organization/{namespace}/quota/{id}/limit, and since Quay 3.16 only a superuser " +
	"with FEATURE_SUPERUSERS_FULL_ACCESS: true may write there. Turn that feature on in Quay's config, or remove `limits` from this quota " +
	"(the quota itself only needs a superuser)."

func (r *quotaResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_quota"
}

func (r *quotaResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The storage quota of one Quay namespace (an organization or a user), with its warning and reject thresholds. " +
			"Needs `FEATURE_QUOTA_MANAGEMENT` and a superuser token. The quota itself is written through Quay's superuser API, which any superuser may use; " +
			"`limits` additionally need `FEATURE_SUPERUSERS_FULL_ACCESS` (Quay 3.16+), and the plan fails with an explanation when the instance does not have it.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{
				MarkdownDescription: "Organization or user the quota belongs to. A namespace has at most one quota. Changing it replaces the quota.",
				Required:            true,
				Validators:          namespaceNameValidators("namespace"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"id": schema.Int64Attribute{
				MarkdownDescription: "Quota id assigned by Quay.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"limit": schema.StringAttribute{
				CustomType: quotaSizeType{},
				MarkdownDescription: "Quota size as a human string: a whole number and an optional unit, for example `\"10 GiB\"` or `\"500GB\"`. " +
					"As in Quay, `Ki`/`KiB`, `Mi`/`MiB`, `Gi`/`GiB`, … are binary (1024ⁿ) and `K`/`KB`, `M`/`MB`, `G`/`GB`, … are decimal (1000ⁿ); a bare number is bytes; " +
					"`B`, decimals and zero are refused. Sizes that name the same number of bytes are equal, so rewriting the string plans nothing. " +
					"Exactly one of `limit` and `limit_bytes` must be set.",
				Optional:      true,
				Validators:    []validator.String{quotaSizeValidator{}},
				PlanModifiers: []planmodifier.String{keepEquivalentSize{}},
			},
			"limit_bytes": schema.Int64Attribute{
				MarkdownDescription: "Quota size in bytes, greater than zero. When `limit` is set this is computed from it. Exactly one of `limit` and `limit_bytes` must be set. Changing it updates the quota in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{limitBytesFromLimit{}},
			},
			"limits": schema.SetNestedAttribute{
				MarkdownDescription: "Thresholds of the quota. Quay warns (`Warning`) or refuses pushes (`Reject`) once usage passes `threshold_percent` of the quota. " +
					"Limits are added, changed and removed one by one, without touching the quota. Defaults to none; limits made outside Terraform are removed. " +
					"Needs a superuser with `FEATURE_SUPERUSERS_FULL_ACCESS`.",
				Optional: true,
				Computed: true,
				Default:  setdefault.StaticValue(types.SetValueMust(quotaLimitObjectType, []attr.Value{})),
				Validators: []validator.Set{
					uniqueQuotaLimits{},
				},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						MarkdownDescription: "`Warning` or `Reject` (any letter case; Quay stores it capitalised).",
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOfCaseInsensitive("Warning", "Reject")},
					},
					"threshold_percent": schema.Int64Attribute{
						MarkdownDescription: "Percentage of the quota, 1 to 100, at which the limit applies.",
						Required:            true,
						Validators:          []validator.Int64{int64validator.Between(1, 100)},
					},
				}},
			},
		},
	}
}

func (r *quotaResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("limit"), path.MatchRoot("limit_bytes")),
	}
}

func (r *quotaResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"namespace": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Organization or user the quota belongs to.",
			},
		},
	}
}

func (r *quotaResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, before anything is applied, what this token cannot
// do: quotas need a superuser, limits a full-access superuser.
func (r *quotaResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan quotaResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	if !r.data.me.SuperUser {
		if creating || !req.Plan.Raw.Equal(req.State.Raw) {
			resp.Diagnostics.AddError("Quotas need a Quay superuser",
				fmt.Sprintf("The token acts as %q, who is not a superuser (or the token lacks the super:user scope). Quay lets only superusers create, change and delete quotas; organization administrators cannot.", r.data.me.Username))
		}
		return
	}
	if r.data.instance != nil && !r.data.instance.Feature("QUOTA_MANAGEMENT") {
		resp.Diagnostics.AddError("Quota management is off in this Quay", "Set FEATURE_QUOTA_MANAGEMENT: true (and leave FEATURE_EDIT_QUOTA on) in Quay's config to manage quotas.")
		return
	}
	if r.data.instance == nil || r.data.instance.Feature("SUPERUSERS_FULL_ACCESS") || r.data.instance.OlderThan(3, 16) /* any superuser may still write quota limits */ || plan.Limits.IsUnknown() {
		return
	}
	var prior []quotaLimitModel
	if !creating {
		var state quotaResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		prior = limitsOf(ctx, state.Limits, &resp.Diagnostics)
	}
	wanted := limitsOf(ctx, plan.Limits, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	add, remove := diffLimits(prior, wanted)
	if len(add) > 0 || len(remove) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("limits"), "Quota limits need FEATURE_SUPERUSERS_FULL_ACCESS", fullAccessHint)
	}
}

// limitBytesFromLimit plans limit_bytes from limit when limit is set.
type limitBytesFromLimit struct{}

func (limitBytesFromLimit) Description(context.Context) string {
	return "computed from limit when limit is set"
}

func (m limitBytesFromLimit) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (limitBytesFromLimit) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var limit quotaSizeValue
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("limit"), &limit)...)
	if resp.Diagnostics.HasError() || limit.IsNull() {
		return
	}
	if limit.IsUnknown() {
		resp.PlanValue = types.Int64Unknown()
		return
	}
	if n, err := quay.ParseQuotaSize(limit.ValueString()); err == nil {
		resp.PlanValue = types.Int64Value(n)
	}
}

// uniqueQuotaLimits refuses two limits that Quay would see as the same
// (type compared without regard to case, same percentage).
type uniqueQuotaLimits struct{}

func (uniqueQuotaLimits) Description(context.Context) string {
	return "each type and threshold_percent pair may appear only once"
}

func (v uniqueQuotaLimits) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (uniqueQuotaLimits) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]bool{}
	for _, l := range limitsOf(ctx, req.ConfigValue, &resp.Diagnostics) {
		if l.Type.IsUnknown() || l.ThresholdPercent.IsUnknown() {
			continue
		}
		k := limitKey(l)
		if seen[k] {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate quota limit",
				fmt.Sprintf("The limit %s at %d%% appears more than once (Quay ignores the letter case of type). Quay refuses an exact duplicate; keep one.",
					l.Type.ValueString(), l.ThresholdPercent.ValueInt64()))
			return
		}
		seen[k] = true
	}
}

func limitKey(l quotaLimitModel) string {
	return fmt.Sprintf("%s/%d", strings.ToLower(l.Type.ValueString()), l.ThresholdPercent.ValueInt64())
}

func limitsOf(ctx context.Context, set types.Set, diags *diag.Diagnostics) []quotaLimitModel {
	if set.IsNull() || set.IsUnknown() {
		return nil
	}
	var out []quotaLimitModel
	diags.Append(set.ElementsAs(ctx, &out, false)...)
	return out
}

// diffLimits returns the limits to add and to remove, by type and percent.
func diffLimits(prior, wanted []quotaLimitModel) (add, remove []quotaLimitModel) {
	have := map[string]bool{}
	for _, l := range prior {
		have[limitKey(l)] = true
	}
	want := map[string]bool{}
	for _, l := range wanted {
		want[limitKey(l)] = true
		if !have[limitKey(l)] {
			add = append(add, l)
		}
	}
	for _, l := range prior {
		if !want[limitKey(l)] {
			remove = append(remove, l)
		}
	}
	return add, remove
}

// quotaPath picks the path family for quota reads and writes: the
// superuser paths work for any superuser and for users and orgs alike;
// other tokens can only read, through the organization path.
func (r *quotaResource) quotaPath() quay.QuotaPath {
	return quotaReadPath(r.data)
}

func quotaReadPath(d *providerData) quay.QuotaPath {
	if d.me.SuperUser {
		return quay.SuperuserQuotaPath
	}
	return quay.OrgQuotaPath
}

// limitError adds a limit call's failure, explaining a 403.
func limitError(diags *diag.Diagnostics, summary string, err error) {
	if quay.IsStatus(err, 403) {
		diags.AddError(summary, "Quay answered: "+quay.ErrorMessage(err)+"\n\n"+fullAccessHint+"\n\n"+err.Error())
		return
	}
	addAPIError(diags, summary, err)
}

func (r *quotaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan quotaResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns := plan.Namespace.ValueString()
	p := r.quotaPath()

	bytes := plan.LimitBytes.ValueInt64()
	if err := c.CreateQuota(ctx, p, ns, bytes); err != nil {
		// Only a failed create pays for a look at the namespace: it tells a
		// missing namespace (which Quay's superuser path answers with a bare
		// 500) and an existing quota apart, and finds a quota that a create
		// whose answer was lost did make.
		existing, findErr := c.FindQuota(ctx, p, ns)
		switch {
		case quay.IsNotFound(findErr):
			resp.Diagnostics.AddAttributeError(path.Root("namespace"), fmt.Sprintf("Namespace %q does not exist", ns),
				"There is no organization or user of that name in Quay: "+quay.ErrorMessage(findErr))
			return
		case existing != nil && quay.IsAmbiguous(err):
			tflog.Warn(ctx, "quota create failed ambiguously but the quota exists; adopting it", map[string]any{"namespace": ns, "error": err.Error()})
		case existing != nil:
			resp.Diagnostics.AddAttributeError(path.Root("namespace"), fmt.Sprintf("Namespace %q already has a quota", ns),
				fmt.Sprintf("Quay allows one quota per namespace, and %q has one (id %d, %d bytes). Import it with: terraform import <address> %s\n\nQuay said: %s",
					ns, *existing.ID, existing.LimitBytes, ns, quay.ErrorMessage(err)))
			return
		default:
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create the quota of %q", ns), err)
			return
		}
	}
	// Quay answers "Created" without an id: list to find it.
	q, err := c.FindQuota(ctx, p, ns)
	if err == nil && q == nil {
		err = fmt.Errorf("quay reported the quota created but lists none for %q", ns)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Quota of %q was created but could not be read back", ns), err)
		return
	}
	id := *q.ID

	wanted := limitsOf(ctx, plan.Limits, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, l := range sortedLimits(wanted) {
		if err := c.CreateQuotaLimit(ctx, ns, id, l.Type.ValueString(), l.ThresholdPercent.ValueInt64()); err != nil {
			limitError(&resp.Diagnostics, fmt.Sprintf("Unable to add the %s limit at %d%% to the quota of %q", l.Type.ValueString(), l.ThresholdPercent.ValueInt64(), ns), err)
			// Roll back, so a failed create leaves no untracked quota behind.
			if delErr := c.DeleteQuota(ctx, p, ns, id); delErr != nil && !quay.IsNotFound(delErr) {
				resp.Diagnostics.AddError(fmt.Sprintf("Quota of %q was created but could not be removed again", ns),
					"It is kept in state so that the next apply can fix or replace it. "+quay.ErrorMessage(delErr))
				plan.ID = types.Int64Value(id)
				plan.Limits = types.SetValueMust(quotaLimitObjectType, []attr.Value{})
				resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			}
			return
		}
	}

	// Read again only when limits were added; otherwise the list above
	// already shows the whole quota.
	if len(wanted) > 0 {
		q, err = c.FindQuota(ctx, p, ns)
		if err == nil && q == nil {
			err = fmt.Errorf("the quota of %q disappeared", ns)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Quota of %q was created but could not be read back", ns), err)
			plan.ID = types.Int64Value(id)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
	}
	setQuotaState(q, &plan, plan.Limits, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setQuotaIdentity(ctx, ns, resp.Identity, &resp.Diagnostics)
}

func (r *quotaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state quotaResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := state.Namespace.ValueString()
	q, err := r.data.client.FindQuota(ctx, r.quotaPath(), ns)
	if quay.IsNotFound(err) || (err == nil && q == nil) {
		tflog.Warn(ctx, "quota (or its namespace) no longer exists in Quay; removing it from state", map[string]any{"namespace": ns})
		setQuotaIdentity(ctx, ns, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the quota of %q", ns), err)
		return
	}
	setQuotaState(q, &state, state.Limits, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setQuotaIdentity(ctx, ns, resp.Identity, &resp.Diagnostics)
}

func (r *quotaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state quotaResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns := plan.Namespace.ValueString()
	p := r.quotaPath()
	id := state.ID.ValueInt64()

	// q is the quota as Quay's resize answered it, while that is still
	// the whole truth; otherwise the quota is read again at the end.
	var q *quay.Quota
	if !plan.LimitBytes.Equal(state.LimitBytes) {
		// limit_bytes is at least 1 here: Quay would silently ignore a 0.
		var err error
		if q, err = c.UpdateQuota(ctx, p, ns, id, plan.LimitBytes.ValueInt64()); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to resize the quota of %q", ns), err)
		}
	}
	if !resp.Diagnostics.HasError() {
		if r.updateLimits(ctx, ns, id, limitsOf(ctx, state.Limits, &resp.Diagnostics), limitsOf(ctx, plan.Limits, &resp.Diagnostics), &resp.Diagnostics) {
			q = nil
		}
	}

	// Re-read after any error or limit change, so state shows what Quay has.
	if q == nil || resp.Diagnostics.HasError() {
		var err error
		q, err = c.FindQuota(ctx, p, ns)
		if err == nil && q == nil {
			err = fmt.Errorf("the quota of %q no longer exists", ns)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the quota of %q after updating it", ns), err)
			return
		}
	}
	ref := plan.Limits
	if resp.Diagnostics.HasError() {
		ref = state.Limits // a failed update: state shows what Quay kept
	}
	setQuotaState(q, &plan, ref, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setQuotaIdentity(ctx, ns, resp.Identity, &resp.Diagnostics)
}

// updateLimits changes the quota's limits one by one: a removed and an
// added limit of the same type become one update of the threshold; the
// rest are deleted and created. It reports whether it called Quay at all.
func (r *quotaResource) updateLimits(ctx context.Context, ns string, quotaID int64, prior, wanted []quotaLimitModel, diags *diag.Diagnostics) bool {
	add, remove := diffLimits(prior, wanted)
	if len(add) == 0 && len(remove) == 0 {
		return false
	}
	c := r.data.client
	current, err := c.ListQuotaLimits(ctx, ns, quotaID)
	if err != nil {
		limitError(diags, fmt.Sprintf("Unable to list the limits of the quota of %q", ns), err)
		return true
	}
	ids := map[string]int64{}
	for _, l := range current {
		ids[limitKey(quotaLimitModel{Type: types.StringValue(l.Type), ThresholdPercent: types.Int64Value(l.LimitPercent)})] = l.ID
	}
	add, remove = sortedLimits(add), sortedLimits(remove)
	var pairs [][2]quotaLimitModel
	var deletes []quotaLimitModel
	for _, old := range remove {
		paired := false
		for i, n := range add {
			if strings.EqualFold(n.Type.ValueString(), old.Type.ValueString()) {
				pairs = append(pairs, [2]quotaLimitModel{old, n})
				add = append(add[:i], add[i+1:]...)
				paired = true
				break
			}
		}
		if !paired {
			deletes = append(deletes, old)
		}
	}
	for _, old := range deletes {
		id, ok := ids[limitKey(old)]
		if !ok {
			continue // already gone
		}
		if err := c.DeleteQuotaLimit(ctx, ns, quotaID, id); err != nil && !quay.IsNotFound(err) {
			limitError(diags, fmt.Sprintf("Unable to remove the %s limit at %d%% from the quota of %q", old.Type.ValueString(), old.ThresholdPercent.ValueInt64(), ns), err)
			return true
		}
	}
	for _, pr := range pairs {
		old, n := pr[0], pr[1]
		id, ok := ids[limitKey(old)]
		if !ok {
			add = append(add, n)
			continue
		}
		_, err := c.UpdateQuotaLimit(ctx, ns, quotaID, id, quay.QuotaLimitRequest{Type: n.Type.ValueString(), ThresholdPercent: n.ThresholdPercent.ValueInt64()})
		if quay.IsNotFound(err) {
			add = append(add, n)
			continue
		}
		if err != nil {
			limitError(diags, fmt.Sprintf("Unable to change the %s limit of the quota of %q from %d%% to %d%%", old.Type.ValueString(), ns, old.ThresholdPercent.ValueInt64(), n.ThresholdPercent.ValueInt64()), err)
			return true
		}
	}
	for _, n := range add {
		if err := c.CreateQuotaLimit(ctx, ns, quotaID, n.Type.ValueString(), n.ThresholdPercent.ValueInt64()); err != nil {
			limitError(diags, fmt.Sprintf("Unable to add the %s limit at %d%% to the quota of %q", n.Type.ValueString(), n.ThresholdPercent.ValueInt64(), ns), err)
			return true
		}
	}
	return true
}

func (r *quotaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state quotaResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns := state.Namespace.ValueString()
	p := r.quotaPath()
	err := c.DeleteQuota(ctx, p, ns, state.ID.ValueInt64())
	if err == nil || quay.IsNotFound(err) {
		return
	}
	// Quay's superuser path answers 500 when the namespace itself is gone,
	// which took the quota with it.
	if q, findErr := c.FindQuota(ctx, p, ns); quay.IsNotFound(findErr) || (findErr == nil && (q == nil || *q.ID != state.ID.ValueInt64())) {
		return
	}
	addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete the quota of %q", ns), err)
}

// ImportState takes the namespace. Quay has one quota per namespace.
func (r *quotaResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("namespace"), path.Root("namespace"), req, resp)
}

// setQuotaState copies Quay's quota into m. limit keeps the user's
// spelling while it names Quay's size; limits keep the letter case used in
// ref (the plan or prior state) for types Quay capitalises.
func setQuotaState(q *quay.Quota, m *quotaResourceModel, ref types.Set, diags *diag.Diagnostics) {
	m.ID = types.Int64Value(*q.ID)
	m.LimitBytes = types.Int64Value(q.LimitBytes)
	if !m.Limit.IsNull() && !m.Limit.IsUnknown() {
		if n, err := quay.ParseQuotaSize(m.Limit.ValueString()); err != nil || n != q.LimitBytes {
			m.Limit = quotaSizeOf(quay.FormatQuotaSize(q.LimitBytes))
		}
	} else if m.Limit.IsUnknown() {
		m.Limit = quotaSizeNull()
	}
	spelled := map[string]string{}
	for _, l := range limitsOf(context.Background(), ref, diags) {
		spelled[limitKey(l)] = l.Type.ValueString()
	}
	elems := []attr.Value{}
	for _, l := range q.Limits {
		t := l.Type
		if s, ok := spelled[limitKey(quotaLimitModel{Type: types.StringValue(l.Type), ThresholdPercent: types.Int64Value(l.LimitPercent)})]; ok {
			t = s
		}
		obj, d := types.ObjectValue(quotaLimitAttrTypes, map[string]attr.Value{"type": types.StringValue(t), "threshold_percent": types.Int64Value(l.LimitPercent)})
		diags.Append(d...)
		elems = append(elems, obj)
	}
	set, d := types.SetValue(quotaLimitObjectType, elems)
	diags.Append(d...)
	m.Limits = set
}

func sortedLimits(ls []quotaLimitModel) []quotaLimitModel {
	out := append([]quotaLimitModel(nil), ls...)
	sort.Slice(out, func(i, j int) bool { return limitKey(out[i]) < limitKey(out[j]) })
	return out
}

func setQuotaIdentity(ctx context.Context, ns string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, quotaIdentityModel{Namespace: types.StringValue(ns)})...)
}

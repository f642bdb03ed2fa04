package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*repositoryMirrorResource)(nil)
	_ resource.ResourceWithImportState      = (*repositoryMirrorResource)(nil)
	_ resource.ResourceWithIdentity         = (*repositoryMirrorResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*repositoryMirrorResource)(nil)
	_ resource.ResourceWithConfigValidators = (*repositoryMirrorResource)(nil)
)

// NewRepositoryMirrorResource is the quay_repository_mirror resource.
func NewRepositoryMirrorResource() resource.Resource { return &repositoryMirrorResource{} }

type repositoryMirrorResource struct{ data *providerData }

type repositoryMirrorModel struct {
	Repository            types.String `tfsdk:"repository"`
	ExternalReference     types.String `tfsdk:"external_reference"`
	RootRule              types.List   `tfsdk:"root_rule"`
	RobotUsername         types.String `tfsdk:"robot_username"`
	SyncInterval          types.Int64  `tfsdk:"sync_interval"`
	SyncStartDate         types.String `tfsdk:"sync_start_date"`
	IsEnabled             types.Bool   `tfsdk:"is_enabled"`
	SkopeoTimeout         types.Int64  `tfsdk:"skopeo_timeout_interval"`
	ArchitectureFilter    types.Set    `tfsdk:"architecture_filter"`
	Username              types.String `tfsdk:"external_registry_username"`
	PasswordWO            types.String `tfsdk:"external_registry_password_wo"`
	PasswordWOVersion     types.Int64  `tfsdk:"external_registry_password_wo_version"`
	VerifyTLS             types.Bool   `tfsdk:"verify_tls"`
	UnsignedImages        types.Bool   `tfsdk:"unsigned_images"`
	HTTPProxy             types.String `tfsdk:"http_proxy"`
	HTTPSProxy            types.String `tfsdk:"https_proxy"`
	NoProxy               types.String `tfsdk:"no_proxy"`
	SyncStatus            types.String `tfsdk:"sync_status"`
	SyncRetriesRemaining  types.Int64  `tfsdk:"sync_retries_remaining"`
	SyncExpirationDate    types.String `tfsdk:"sync_expiration_date"`
	ReportedSyncStartDate types.String `tfsdk:"next_sync_date"`
}

var (
	repoMirrorFeature = serverFeature{what: "repository mirroring", flag: "REPO_MIRROR", since: [2]int{3, 0}}
	// mirrorDateFormat is the only sync_start_date format Quay accepts.
	mirrorDateFormat = "2006-01-02T15:04:05Z"
	mirrorDate       = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	// An upstream reference: host[:port]/path, no scheme, no white space,
	// none of ? # \ %.
	externalReference   = regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]+)?/[^\s?#\\%]+$`)
	mirrorArchitectures = []string{"amd64", "arm64", "ppc64le", "s390x"}
)

// registrySetting describes one of the upstream registry settings, which
// Quay merges and never removes.
func registrySetting(what string) string {
	return what + " When unset, Terraform keeps what Quay has: Quay merges these settings into its own and never removes one, so set an explicit value (`\"\"` for a proxy) to change it back."
}

func (r *repositoryMirrorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_mirror"
}

func (r *repositoryMirrorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedStatus := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The mirror configuration of a repository: Quay's mirror worker pulls the tags of an upstream repository that match `root_rule` on a schedule, pushing them as `robot_username`. Needs `FEATURE_REPO_MIRROR`; the plan says when the server does not have it.\n\n" +
			"Creating it puts the repository in the `MIRROR` state (normal pushes stop) and grants the robot `write` on it, both by Quay itself: leave `state` unset on the `quay_repository` (it then follows Quay) and give the robot `write` (not `read`) if a `quay_repository_permission` or an authoritative `quay_repository_permissions` names it. " +
			"Quay has no call to delete a mirror configuration: destroying the resource disables it and returns the repository to `NORMAL`; creating it again on the same repository reuses that disabled configuration. An enabled configuration made outside Terraform is not taken over: import it (`namespace/repository`). " +
			"The worker's fields (`sync_status`, the next sync date, retries) change outside Terraform and are never drift.",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{
				MarkdownDescription: "Repository (`namespace/name`) the tags are mirrored into. Changing it replaces the configuration.",
				Required:            true, Validators: repositoryPathValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"external_reference": schema.StringAttribute{
				MarkdownDescription: "Upstream repository as `host[:port]/path`, without a scheme, such as `quay.io/prometheus/node-exporter`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(externalReference, "must be an upstream repository as host[:port]/path, without a scheme (https://), white space or any of ? # \\ %")},
			},
			"root_rule": schema.ListAttribute{
				MarkdownDescription: "Glob patterns of the upstream tags to mirror, such as `[\"latest\", \"v1.*\"]`; at least one.",
				Required:            true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"robot_username": schema.StringAttribute{
				MarkdownDescription: "Full name (`namespace+name`) of a robot of the repository's namespace, which writes the mirrored tags; for example a `quay_robot`'s `full_name`. Quay grants it `write` on the repository.",
				Required:            true, Validators: accountNameValidators(),
			},
			"sync_interval": schema.Int64Attribute{
				MarkdownDescription: "Seconds between syncs; at least 60.",
				Required:            true, Validators: []validator.Int64{int64validator.AtLeast(60)},
			},
			"sync_start_date": schema.StringAttribute{
				MarkdownDescription: "When the first sync runs, as `YYYY-MM-DDTHH:MM:SSZ` (UTC). Defaults to the time of the create. Quay's worker moves the date forward after each sync; that is never drift, and the date is only sent again when the configuration changes it (`next_sync_date` shows Quay's).",
				Optional:            true, Computed: true,
				Validators:    []validator.String{stringvalidator.RegexMatches(mirrorDate, "must be a UTC time as YYYY-MM-DDTHH:MM:SSZ, such as 2030-01-01T00:00:00Z")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"is_enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether Quay schedules syncs. Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"skopeo_timeout_interval": schema.Int64Attribute{
				MarkdownDescription: "Seconds one sync may take; at least 300 (Quay's minimum), default 300. Sent to Quay 3.15 and later only, which require it.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(300),
				Validators: []validator.Int64{int64validator.AtLeast(300)},
			},
			"architecture_filter": schema.SetAttribute{
				MarkdownDescription: "Mirror only these architectures of multi-architecture images: `amd64`, `arm64`, `ppc64le`, `s390x`. Unset for all. Needs Quay 3.17+ with `FEATURE_SPARSE_INDEX`.",
				Optional:            true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(mirrorArchitectures...))},
			},
			"external_registry_username": schema.StringAttribute{
				MarkdownDescription: "User name for the upstream registry. Unset for anonymous pulls.",
				Optional:            true,
			},
			"external_registry_password_wo": schema.StringAttribute{
				MarkdownDescription: "Password or token for the upstream registry. Write-only: sent to Quay (which never returns it) and never kept in state or plan. It is sent with the user name when either `external_registry_username` or `external_registry_password_wo_version` changes.",
				Optional:            true, Sensitive: true, WriteOnly: true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("external_registry_username"), path.MatchRoot("external_registry_password_wo_version"))},
			},
			"external_registry_password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `external_registry_password_wo`: change it to send the current password again.",
				Optional:            true,
			},
			// Quay merges these into what it has and never removes one, so
			// unset means "as Quay has it" rather than "none".
			"verify_tls":      schema.BoolAttribute{MarkdownDescription: registrySetting("Verify the upstream registry's TLS certificate (Quay verifies when it was never set)."), Optional: true, Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
			"unsigned_images": schema.BoolAttribute{MarkdownDescription: registrySetting("Accept unsigned images."), Optional: true, Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
			"http_proxy":      schema.StringAttribute{MarkdownDescription: registrySetting("Proxy for HTTP requests to the upstream registry."), Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"https_proxy":     schema.StringAttribute{MarkdownDescription: registrySetting("Proxy for HTTPS requests to the upstream registry."), Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"no_proxy":        schema.StringAttribute{MarkdownDescription: registrySetting("Hosts reached without the proxy."), Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"sync_status":     computedStatus("The worker's state: `NEVER_RUN`, `SYNC_NOW`, `SYNCING`, `SUCCESS`, `FAIL` or `CANCEL`. Never drift."),
			"sync_retries_remaining": schema.Int64Attribute{
				MarkdownDescription: "Retries left after failed syncs (3 after a success). Never drift.", Computed: true,
			},
			"sync_expiration_date": computedStatus("When the running sync times out; null when none runs. Never drift."),
			"next_sync_date":       computedStatus("When Quay's worker syncs next, as Quay reports it. Never drift."),
		},
	}
}

func (r *repositoryMirrorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"repository": identityschema.StringAttribute{RequiredForImport: true, Description: "Repository as namespace/name."},
	}}
}

func (r *repositoryMirrorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *repositoryMirrorResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		robotInNamespaceValidator{robot: path.Root("robot_username"), namespace: path.Root("repository"), what: "mirror"},
	}
}

// ModifyPlan refuses what the server cannot do before any write.
func (r *repositoryMirrorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	ic := r.data.instance
	refuseUnserved(ic, repoMirrorFeature, &resp.Diagnostics)
	var plan repositoryMirrorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.ArchitectureFilter.IsNull() && ic.OlderThan(3, 17) {
		resp.Diagnostics.AddAttributeError(path.Root("architecture_filter"), "Architecture filters need Quay 3.17",
			fmt.Sprintf("This server reports %q; Quay filters mirrored architectures since 3.17.", ic.VersionNumber))
	}
	if !plan.RobotUsername.IsUnknown() && !quay.IsRobotName(plan.RobotUsername.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("robot_username"), "Not a robot",
			fmt.Sprintf("%q is not a robot's full name (namespace+name): Quay mirrors only as a robot of the repository's namespace.", plan.RobotUsername.ValueString()))
	}
}

// request is the full body from the plan; credentials are included only
// when sendCredentials (Quay takes the user name and password together).
func (m *repositoryMirrorModel) request(ctx context.Context, ic *quay.InstanceConfig, password types.String, sendCredentials bool, diags *diag.Diagnostics) quay.MirrorRequest {
	var rules []string
	diags.Append(m.RootRule.ElementsAs(ctx, &rules, false)...)
	req := quay.MirrorRequest{
		IsEnabled:         m.IsEnabled.ValueBoolPointer(),
		ExternalReference: m.ExternalReference.ValueString(),
		SyncInterval:      m.SyncInterval.ValueInt64Pointer(),
		SyncStartDate:     m.SyncStartDate.ValueStringPointer(),
		RootRule:          &quay.MirrorRootRule{RuleKind: "tag_glob_csv", RuleValue: rules},
		RobotUsername:     m.RobotUsername.ValueStringPointer(),
		ExternalRegistryConfig: &quay.MirrorRegistryConfig{
			VerifyTLS: knownBool(m.VerifyTLS), UnsignedImages: knownBool(m.UnsignedImages),
		},
	}
	proxy := quay.MirrorProxy{HTTPProxy: knownString(m.HTTPProxy), HTTPSProxy: knownString(m.HTTPSProxy), NoProxy: knownString(m.NoProxy)}
	if proxy != (quay.MirrorProxy{}) {
		req.ExternalRegistryConfig.Proxy = &proxy
	}
	if !ic.OlderThan(3, 15) {
		req.SkopeoTimeoutInterval = m.SkopeoTimeout.ValueInt64Pointer()
	}
	if !m.ArchitectureFilter.IsNull() {
		diags.Append(m.ArchitectureFilter.ElementsAs(ctx, &req.ArchitectureFilter, false)...)
	}
	if sendCredentials {
		empty := ""
		req.ExternalRegistryUsername, req.ExternalRegistryPassword = m.Username.ValueStringPointer(), password.ValueStringPointer()
		if req.ExternalRegistryUsername == nil {
			req.ExternalRegistryUsername = &empty // Quay stores "" as no user
		}
	}
	return req
}

func (r *repositoryMirrorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan repositoryMirrorModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("external_registry_password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	repo := plan.Repository.ValueString()
	ns, name := splitRepositoryPath(repo)
	if plan.SyncStartDate.IsUnknown() {
		plan.SyncStartDate = types.StringValue(time.Now().UTC().Format(mirrorDateFormat)) // the first sync: now
	}
	body := plan.request(ctx, r.data.instance, password, true, &resp.Diagnostics)
	// Quay keeps a mirror configuration for good once made: a disabled one
	// (what a destroy leaves) is reused; an enabled one is not taken over.
	existing, err := c.GetMirror(ctx, ns, name)
	switch {
	case err == nil && existing.IsEnabled:
		addAlreadyExistsError(&resp.Diagnostics, "quay_repository_mirror", "the mirror configuration of "+repo, repo,
			fmt.Sprintf("It mirrors %s and is enabled.", existing.ExternalReference))
		return
	case err == nil:
		tflog.Info(ctx, "reusing the disabled mirror configuration of the repository", map[string]any{"repository": repo})
		err = c.UpdateMirror(ctx, ns, name, body)
		if err == nil {
			// A disabled mirror may have been set back to NORMAL.
			err = c.ChangeRepositoryState(ctx, ns, name, "MIRROR")
		}
	case quay.IsNotFound(err):
		err = c.CreateMirror(ctx, ns, name, body)
		if err != nil && (quay.IsAmbiguous(err) || quay.IsMirrorExists(err)) {
			// Made by an attempt whose answer was lost: it was absent just before.
			if _, gerr := c.GetMirror(ctx, ns, name); gerr == nil {
				tflog.Warn(ctx, "mirror create failed ambiguously; keeping the configuration Quay made", map[string]any{"repository": repo})
				err = c.UpdateMirror(ctx, ns, name, body)
			}
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to configure the mirror of "+repo, err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setMirrorIdentity(ctx, repo, resp.Identity, &resp.Diagnostics)
}

// readInto reads the configuration back after a write.
func (r *repositoryMirrorResource) readInto(ctx context.Context, m *repositoryMirrorModel, diags *diag.Diagnostics) {
	ns, name := splitRepositoryPath(m.Repository.ValueString())
	mirror, err := r.data.client.GetMirror(ctx, ns, name)
	if err != nil {
		addAPIError(diags, "Unable to read the mirror configuration of "+m.Repository.ValueString()+" back", err)
		return
	}
	mirrorToModel(mirror, m)
}

// mirrorToModel copies Quay's configuration into m. sync_start_date stays
// as configured: the worker moves Quay's copy after every sync.
func mirrorToModel(mirror *quay.Mirror, m *repositoryMirrorModel) {
	m.ExternalReference = types.StringValue(mirror.ExternalReference)
	rules := make([]attr.Value, 0, len(mirror.RootRule.RuleValue))
	for _, r := range mirror.RootRule.RuleValue {
		rules = append(rules, types.StringValue(r))
	}
	m.RootRule = types.ListValueMust(types.StringType, rules)
	m.RobotUsername = types.StringPointerValue(mirror.RobotUsername)
	m.SyncInterval = types.Int64Value(mirror.SyncInterval)
	m.IsEnabled = types.BoolValue(mirror.IsEnabled)
	if mirror.SkopeoTimeoutInterval != nil {
		m.SkopeoTimeout = types.Int64Value(*mirror.SkopeoTimeoutInterval)
	}
	if len(mirror.ArchitectureFilter) > 0 || !m.ArchitectureFilter.IsNull() {
		m.ArchitectureFilter = stringSet(mirror.ArchitectureFilter)
	}
	if u := mirror.ExternalRegistryUsername; u != nil && *u != "" {
		m.Username = types.StringValue(*u)
	} else {
		m.Username = types.StringNull()
	}
	cfg := mirror.ExternalRegistryConfig
	m.VerifyTLS, m.UnsignedImages = types.BoolPointerValue(cfg.VerifyTLS), types.BoolPointerValue(cfg.UnsignedImages)
	m.HTTPProxy, m.HTTPSProxy, m.NoProxy = types.StringNull(), types.StringNull(), types.StringNull()
	if p := cfg.Proxy; p != nil {
		m.HTTPProxy, m.HTTPSProxy, m.NoProxy = nonEmpty(p.HTTPProxy), nonEmpty(p.HTTPSProxy), nonEmpty(p.NoProxy)
	}
	if m.SyncStartDate.IsNull() || m.SyncStartDate.IsUnknown() {
		m.SyncStartDate = types.StringValue(trimFraction(derefString(mirror.SyncStartDate)))
	}
	m.SyncStatus = types.StringValue(mirror.SyncStatus)
	m.SyncRetriesRemaining = types.Int64Value(mirror.SyncRetriesRemaining)
	m.SyncExpirationDate = types.StringPointerValue(mirror.SyncExpirationDate)
	m.ReportedSyncStartDate = types.StringPointerValue(mirror.SyncStartDate)
}

// knownBool and knownString are a value to send, or nil when the
// configuration leaves it to Quay (null or not yet known).
func knownBool(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueBoolPointer()
}

func knownString(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueStringPointer()
}

// trimFraction drops the microseconds Quay's worker adds to its dates.
func trimFraction(s string) string {
	if i := strings.Index(s, "."); i > 0 && strings.HasSuffix(s, "Z") {
		return s[:i] + "Z"
	}
	return s
}

func nonEmpty(s *string) types.String {
	if s == nil || *s == "" {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

func (r *repositoryMirrorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state repositoryMirrorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo := state.Repository.ValueString()
	ns, name := splitRepositoryPath(repo)
	setMirrorIdentity(ctx, repo, resp.Identity, &resp.Diagnostics)
	mirror, err := r.data.client.GetMirror(ctx, ns, name)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "mirror configuration (or its repository) no longer exists in Quay; removing it from state", map[string]any{"repository": repo})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the mirror configuration of "+repo, err)
		return
	}
	mirrorToModel(mirror, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *repositoryMirrorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state repositoryMirrorModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("external_registry_password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo := state.Repository.ValueString()
	ns, name := splitRepositoryPath(repo)
	credentials := !plan.Username.Equal(state.Username) || !plan.PasswordWOVersion.Equal(state.PasswordWOVersion)
	body := plan.request(ctx, r.data.instance, password, credentials, &resp.Diagnostics)
	if plan.SyncStartDate.Equal(state.SyncStartDate) {
		body.SyncStartDate = nil // the worker owns it now
	}
	if err := r.data.client.UpdateMirror(ctx, ns, name, body); err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update the mirror configuration of "+repo, err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setMirrorIdentity(ctx, repo, resp.Identity, &resp.Diagnostics)
}

// Delete disables the configuration (Quay cannot delete one) and returns
// the repository to NORMAL, so that pushes work again.
func (r *repositoryMirrorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state repositoryMirrorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	repo := state.Repository.ValueString()
	ns, name := splitRepositoryPath(repo)
	disabled := false
	err := c.UpdateMirror(ctx, ns, name, quay.MirrorRequest{IsEnabled: &disabled})
	if quay.IsNotFound(err) {
		return // the repository went, and its configuration with it
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to disable the mirror of "+repo, err)
		return
	}
	if err := c.ChangeRepositoryState(ctx, ns, name, "NORMAL"); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "The mirror of "+repo+" is disabled, but the repository could not be set back to NORMAL", err)
	}
}

func (r *repositoryMirrorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	repo := req.ID
	if repo == "" {
		var v types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("repository"), &v)...)
		repo = v.ValueString()
	}
	if !repositoryPathRegexp.MatchString(repo) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected \"namespace/repository\", got %q.", repo))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("repository"), repo)...)
	setMirrorIdentity(ctx, repo, resp.Identity, &resp.Diagnostics)
}

func setMirrorIdentity(ctx context.Context, repo string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("repository"), repo)...)
}

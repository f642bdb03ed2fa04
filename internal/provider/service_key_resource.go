package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure   = (*serviceKeyResource)(nil)
	_ resource.ResourceWithImportState = (*serviceKeyResource)(nil)
	_ resource.ResourceWithIdentity    = (*serviceKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*serviceKeyResource)(nil)
)

// NewServiceKeyResource is the quay_service_key resource.
func NewServiceKeyResource() resource.Resource { return &serviceKeyResource{} }

type serviceKeyResource struct {
	data *providerData
}

type serviceKeyResourceModel struct {
	Kid          types.String `tfsdk:"kid"`
	Service      types.String `tfsdk:"service"`
	Name         types.String `tfsdk:"name"`
	Expiration   types.String `tfsdk:"expiration"`
	Metadata     types.Map    `tfsdk:"metadata"`
	Notes        types.String `tfsdk:"notes"`
	PublicKey    types.String `tfsdk:"public_key"`
	PrivateKey   types.String `tfsdk:"private_key"`
	CreatedDate  types.String `tfsdk:"created_date"`
	Approved     types.Bool   `tfsdk:"approved"`
	ApprovalType types.String `tfsdk:"approval_type"`
	ApprovedDate types.String `tfsdk:"approved_date"`
	Approver     types.String `tfsdk:"approver"`
}

type serviceKeyIdentityModel struct {
	Kid types.String `tfsdk:"kid"`
}

var (
	// Quay's rules (quay-api.md §19).
	serviceNameRegexp = regexp.MustCompile(`^[a-z0-9_]+$`)
	keyNameRegexp     = regexp.MustCompile(`^[\s a-zA-Z0-9\-_:/]*$`)
	// serverMetadataKeys are added by Quay to every key made through the API.
	serverMetadataKeys = []string{"created_by", "creator", "ip"}
)

func (r *serviceKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_key"
}

func (r *serviceKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A service key: an RSA key pair that Quay generates and trusts for signing tokens of the named service. Needs a superuser token. " +
			"Quay returns the private key only when it creates the key, so `private_key` exists only in Terraform state (keep the state secret) and is null after an import. " +
			"Quay approves the key at creation on behalf of the token's user. Keys disappear from Quay about seven days after they expire; Terraform then plans to create a new one.",
		Attributes: map[string]schema.Attribute{
			"kid": computedString("Key id assigned by Quay: the RFC 7638 thumbprint of the public key. Used to import the key."),
			"service": schema.StringAttribute{
				MarkdownDescription: "Service the key is for: lowercase letters, digits and `_`. Changing it replaces the key.",
				Required:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(serviceNameRegexp,
					"must contain only lowercase letters, digits and '_' (Quay's rule ^[a-z0-9_]+$)")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Friendly name: letters, digits, spaces and `-`, `_`, `:`, `/`. Defaults to empty. Changes in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.RegexMatches(keyNameRegexp,
					"may contain only letters, digits, whitespace and the characters - _ : / (Quay's rule ^[\\s a-zA-Z0-9\\-_:/]*$)")},
			},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "When the key expires, as an RFC 3339 timestamp (for example `2030-01-01T00:00:00Z`); Quay keeps whole seconds. " +
					"Must be in the future when set or changed. Null (the default) means the key never expires; removing it clears the expiry in place.",
				Optional:   true,
				Validators: []validator.String{rfc3339Validator{}},
			},
			"metadata": schema.MapAttribute{
				MarkdownDescription: "Free-form string metadata stored with the key. Quay merges updates into what it has and never deletes an entry, so adding or changing entries updates in place " +
					"and removing one replaces the key. Quay adds `created_by`, `creator` and `ip` itself; those names are reserved and are not shown here.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{reservedKeysValidator{reserved: serverMetadataKeys, why: "Quay sets it on every key made through the API"},
					mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(metadataKeyRemoved,
					"Quay cannot remove metadata entries, so removing one replaces the key.", "Quay cannot remove metadata entries, so removing one replaces the key.")},
			},
			"notes": schema.StringAttribute{
				MarkdownDescription: "Notes stored with Quay's approval of the key. Defaults to empty. Quay cannot change them later, so changing them replaces the key.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"public_key": computedString("Public key, PEM-encoded SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`)."),
			"private_key": schema.StringAttribute{
				MarkdownDescription: "Private key, PEM-encoded PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`). Quay returns it only at creation and never stores it; it is null for imported keys.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_date": computedString("When Quay created the key (RFC 3339, UTC)."),
			"approved": schema.BoolAttribute{
				MarkdownDescription: "Whether the key is approved. Keys created through this resource are approved at once.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"approval_type": computedString("How the key was approved, as Quay reports it, for example `ServiceKeyApprovalType.SUPERUSER`."),
			"approved_date": computedString("When the key was approved (RFC 3339, UTC)."),
			"approver":      computedString("User name of the approver; null for automatic approvals."),
		},
	}
}

// metadataKeyRemoved: replace when a configured metadata entry goes away,
// because Quay can only add and overwrite entries.
func metadataKeyRemoved(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	planned := map[string]bool{}
	if !req.PlanValue.IsNull() {
		for k := range req.PlanValue.Elements() {
			planned[k] = true
		}
	}
	for k := range req.StateValue.Elements() {
		if !planned[k] {
			resp.RequiresReplace = true
			return
		}
	}
}

// rfc3339Validator checks the timestamp's format; whether it lies in the
// future is checked in ModifyPlan, only when it changes, so that a key
// that has expired can still be planned and destroyed.
type rfc3339Validator struct{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be an RFC 3339 timestamp such as 2030-01-01T00:00:00Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rfc3339Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%q %s: %s.", req.ConfigValue.ValueString(), v.Description(ctx), err))
	}
}

func (r *serviceKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"kid": identityschema.StringAttribute{RequiredForImport: true, Description: "Key id assigned by Quay."},
		},
	}
}

func (r *serviceKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks what only the server side can know: the caller must
// be a superuser, and a new or changed expiration must lie in the future.
func (r *serviceKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan serviceKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data != nil && !r.data.me.SuperUser && (req.State.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw)) {
		resp.Diagnostics.AddError("Service keys need a Quay superuser",
			fmt.Sprintf("The token acts as %q, who is not a superuser (or the token lacks the super:user scope).", r.data.me.Username))
	}
	var prior types.String
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expiration"), &prior)...)
	}
	if plan.Expiration.IsNull() || plan.Expiration.IsUnknown() {
		return
	}
	when, err := time.Parse(time.RFC3339, plan.Expiration.ValueString())
	if err != nil {
		return // the validator reported it
	}
	// An unchanged expiration is checked only when the key is replaced,
	// which creates a new key with it.
	replacing := len(resp.RequiresReplace) > 0
	if !replacing && !prior.IsNull() && !prior.IsUnknown() && sameSecond(prior.ValueString(), when) {
		return
	}
	if !when.After(time.Now()) {
		resp.Diagnostics.AddAttributeError(path.Root("expiration"), "Expiration is in the past",
			fmt.Sprintf("expiration = %q has already passed; Quay accepts only future expirations. Use a later time, or remove expiration for a key that never expires.", plan.Expiration.ValueString()))
	}
}

func sameSecond(rfc string, t time.Time) bool {
	p, err := time.Parse(time.RFC3339, rfc)
	return err == nil && p.Unix() == t.Unix()
}

func (r *serviceKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan serviceKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := quay.CreateServiceKeyRequest{
		Service: plan.Service.ValueString(),
		Name:    plan.Name.ValueString(),
		Notes:   plan.Notes.ValueString(),
	}
	if exp, ok := expirationSeconds(plan.Expiration); ok {
		body.Expiration = &exp
	}
	md := map[string]string{}
	resp.Diagnostics.Append(plan.Metadata.ElementsAs(ctx, &md, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(md) > 0 {
		body.Metadata = md
	}
	// A POST is never retried blindly, so an ambiguous failure cannot have
	// made two keys.
	created, err := r.data.client.CreateServiceKey(ctx, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create a service key for %q", body.Service), err)
		if quay.IsAmbiguous(err) {
			// The answer, and with it the only copy of the private key, was
			// lost. A key Quay may have made is useless: say how to find it.
			resp.Diagnostics.AddWarning("Quay may have created the service key anyway",
				fmt.Sprintf("No answer reached the provider, so a key for service %q named %q may exist without its private key. "+
					"List the service's keys (data source quay_service_keys) and delete any you do not recognise.", body.Service, body.Name))
		}
		return
	}
	plan.Kid = types.StringValue(created.Kid)
	plan.PrivateKey = types.StringValue(created.PrivateKey)
	plan.PublicKey = types.StringValue(created.PublicKey)

	key, err := r.data.client.GetServiceKey(ctx, created.Kid)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Service key %q was created but could not be read back", created.Kid), err)
		// Keep it in state (tainted), with its private key, so it is not orphaned.
		plan.CreatedDate, plan.ApprovalType, plan.ApprovedDate, plan.Approver = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
		plan.Approved = types.BoolNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	setServiceKeyState(key, &plan, false, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setServiceKeyIdentity(ctx, created.Kid, resp.Identity, &resp.Diagnostics)
}

func (r *serviceKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state serviceKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kid := state.Kid.ValueString()
	key, err := r.data.client.GetServiceKey(ctx, kid)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "service key no longer exists in Quay (deleted, or expired more than a few days ago); removing it from state", map[string]any{"kid": kid})
		setServiceKeyIdentity(ctx, kid, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read service key %q", kid), err)
		return
	}
	// After an import only the kid is known: adopt all user metadata.
	importing := state.Service.IsNull()
	setServiceKeyState(key, &state, importing, &resp.Diagnostics)
	if importing {
		state.PrivateKey = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setServiceKeyIdentity(ctx, kid, resp.Identity, &resp.Diagnostics)
}

func (r *serviceKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state serviceKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kid := state.Kid.ValueString()
	upd := quay.UpdateServiceKeyRequest{}
	if !plan.Name.Equal(state.Name) {
		upd.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Metadata.Equal(state.Metadata) && !plan.Metadata.IsNull() {
		md := map[string]string{}
		resp.Diagnostics.Append(plan.Metadata.ElementsAs(ctx, &md, false)...)
		upd.Metadata = md
	}
	if !plan.Expiration.Equal(state.Expiration) {
		if exp, ok := expirationSeconds(plan.Expiration); ok {
			upd.Expiration = &exp
		} else {
			upd.ClearExpiration = true
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	key, err := r.data.client.UpdateServiceKey(ctx, kid, upd)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update service key %q", kid), err)
		// Quay applies the expiration before it checks the rest: record
		// what it kept.
		if k, getErr := r.data.client.GetServiceKey(ctx, kid); getErr == nil {
			setServiceKeyState(k, &state, false, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	setServiceKeyState(key, &plan, false, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setServiceKeyIdentity(ctx, kid, resp.Identity, &resp.Diagnostics)
}

func (r *serviceKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state serviceKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kid := state.Kid.ValueString()
	if err := r.data.client.DeleteServiceKey(ctx, kid); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete service key %q", kid), err)
	}
}

// ImportState takes the kid. The private key cannot be imported: Quay
// never returns it after creation.
func (r *serviceKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("kid"), path.Root("kid"), req, resp)
}

func expirationSeconds(v types.String) (int64, bool) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	if err != nil {
		return 0, false
	}
	return t.Unix(), true
}

// setServiceKeyState copies Quay's key view into m. Values the user wrote
// are kept while they mean what Quay has (same instant, same key); only
// the metadata entries m already tracks are taken, unless importing, when
// all but Quay's own entries are.
func setServiceKeyState(k *quay.ServiceKey, m *serviceKeyResourceModel, importing bool, diags *diag.Diagnostics) {
	m.Kid = types.StringValue(k.Kid)
	m.Service = types.StringValue(k.Service)
	m.Name = types.StringValue(k.Name)

	if k.ExpirationDate == nil {
		m.Expiration = types.StringNull()
	} else {
		t, err := quay.ParseHTTPDate(*k.ExpirationDate)
		if err != nil {
			diags.AddError("Unexpected service key expiration", err.Error())
			return
		}
		if m.Expiration.IsNull() || m.Expiration.IsUnknown() || !sameSecond(m.Expiration.ValueString(), t) {
			m.Expiration = types.StringValue(t.Format(time.RFC3339))
		}
	}

	m.Metadata = trackedMetadata(k.Metadata, m.Metadata, importing)

	pub, err := k.JWK.PublicKeyPEM()
	if err != nil {
		diags.AddError("Unexpected service key", fmt.Sprintf("Quay's JWK for %q could not be read: %s", k.Kid, err))
		return
	}
	if m.PublicKey.IsNull() || m.PublicKey.IsUnknown() || !samePublicKey(m.PublicKey.ValueString(), pub) {
		m.PublicKey = types.StringValue(pub)
	}
	if m.PrivateKey.IsUnknown() {
		m.PrivateKey = types.StringNull()
	}
	m.CreatedDate = rfc3339FromHTTPDate(k.CreatedDate)
	m.Approved = types.BoolValue(k.Approval != nil)
	m.ApprovalType, m.ApprovedDate, m.Approver = types.StringNull(), types.StringNull(), types.StringNull()
	if importing || m.Notes.IsUnknown() || m.Notes.IsNull() {
		m.Notes = types.StringValue("")
	}
	if a := k.Approval; a != nil {
		m.ApprovalType = types.StringValue(a.ApprovalType)
		m.ApprovedDate = rfc3339FromHTTPDate(a.ApprovedDate)
		if a.Approver != nil {
			m.Approver = types.StringValue(a.Approver.Username)
		}
		m.Notes = types.StringValue(a.Notes)
	}
}

// trackedMetadata picks the entries of Quay's metadata that the
// configuration manages (all but Quay's own when importing).
func trackedMetadata(server map[string]any, tracked types.Map, importing bool) types.Map {
	pick := map[string]bool{}
	if importing {
		for k := range server {
			pick[k] = true
		}
		for _, k := range serverMetadataKeys {
			delete(pick, k)
		}
		if len(pick) == 0 {
			return types.MapNull(types.StringType)
		}
	} else {
		if tracked.IsNull() || tracked.IsUnknown() {
			return types.MapNull(types.StringType)
		}
		for k := range tracked.Elements() {
			pick[k] = true
		}
	}
	out := map[string]string{}
	for k := range pick {
		if v, ok := server[k]; ok {
			out[k] = metadataString(v)
		}
	}
	return types.MapValueMust(types.StringType, stringMapValues(out))
}

// metadataString renders a metadata value as a string; values that other
// clients stored as numbers or objects are shown as JSON.
func metadataString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func samePublicKey(a, b string) bool {
	ka, errA := parsePublicPEM(a)
	kb, errB := parsePublicPEM(b)
	return errA == nil && errB == nil && string(ka) == string(kb)
}

func parsePublicPEM(s string) ([]byte, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, fmt.Errorf("not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	return x509.MarshalPKIXPublicKey(pub)
}

func rfc3339FromHTTPDate(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	t, err := quay.ParseHTTPDate(s)
	if err != nil {
		return types.StringValue(s)
	}
	return types.StringValue(t.Format(time.RFC3339))
}

func setServiceKeyIdentity(ctx context.Context, kid string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, serviceKeyIdentityModel{Kid: types.StringValue(kid)})...)
}

// stringMapValues converts a Go map for types.MapValue.
func stringMapValues(m map[string]string) map[string]attr.Value {
	out := make(map[string]attr.Value, len(m))
	for k, v := range m {
		out[k] = types.StringValue(v)
	}
	return out
}

// reservedKeysValidator refuses map keys that Quay keeps for itself, and
// names the key at fault (a key validator would talk about a "value").
type reservedKeysValidator struct {
	reserved []string
	why      string
}

func (v reservedKeysValidator) Description(context.Context) string {
	return fmt.Sprintf("keys must not be any of %s (%s)", strings.Join(v.reserved, ", "), v.why)
}

func (v reservedKeysValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v reservedKeysValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, key := range slices.Sorted(maps.Keys(req.ConfigValue.Elements())) {
		if slices.Contains(v.reserved, key) {
			resp.Diagnostics.AddAttributeError(req.Path, "Reserved metadata key",
				fmt.Sprintf("The metadata key %q is reserved: %s. Reserved keys: %s. Use another key name.", key, v.why, strings.Join(v.reserved, ", ")))
		}
	}
}

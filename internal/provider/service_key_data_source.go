package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ datasource.DataSourceWithConfigure = (*serviceKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*serviceKeysDataSource)(nil)
)

// NewServiceKeyDataSource is the quay_service_key data source.
func NewServiceKeyDataSource() datasource.DataSource { return &serviceKeyDataSource{} }

// NewServiceKeysDataSource is the quay_service_keys data source.
func NewServiceKeysDataSource() datasource.DataSource { return &serviceKeysDataSource{} }

type serviceKeyDataSource struct{ data *providerData }

type serviceKeysDataSource struct{ data *providerData }

// serviceKeyDataModel is one key as both data sources show it.
type serviceKeyDataModel struct {
	Kid          types.String `tfsdk:"kid"`
	Service      types.String `tfsdk:"service"`
	Name         types.String `tfsdk:"name"`
	Expiration   types.String `tfsdk:"expiration"`
	Metadata     types.Map    `tfsdk:"metadata"`
	PublicKey    types.String `tfsdk:"public_key"`
	CreatedDate  types.String `tfsdk:"created_date"`
	Approved     types.Bool   `tfsdk:"approved"`
	ApprovalType types.String `tfsdk:"approval_type"`
	ApprovedDate types.String `tfsdk:"approved_date"`
	Approver     types.String `tfsdk:"approver"`
	Notes        types.String `tfsdk:"notes"`
}

type serviceKeysDataSourceModel struct {
	Service types.String          `tfsdk:"service"`
	Keys    []serviceKeyDataModel `tfsdk:"keys"`
}

// serviceKeyDataAttributes describes a key; kidRequired makes kid the
// lookup argument of quay_service_key.
func serviceKeyDataAttributes(kidRequired bool) map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	kid := computed("Key id (RFC 7638 thumbprint of the public key).")
	if kidRequired {
		kid = schema.StringAttribute{MarkdownDescription: "Key id (RFC 7638 thumbprint of the public key) to read.", Required: true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
	}
	return map[string]schema.Attribute{
		"kid":        kid,
		"service":    computed("Service the key is for."),
		"name":       computed("Friendly name (may be empty)."),
		"expiration": computed("Expiry as an RFC 3339 timestamp (UTC); null when the key never expires."),
		"metadata": schema.MapAttribute{
			MarkdownDescription: "All metadata Quay holds for the key, including its own `created_by`, `creator` and `ip`. Values that are not strings are shown as JSON.",
			ElementType:         types.StringType, Computed: true,
		},
		"public_key":    computed("Public key, PEM-encoded SubjectPublicKeyInfo. (The private key is never readable.)"),
		"created_date":  computed("Creation time (RFC 3339, UTC)."),
		"approved":      schema.BoolAttribute{MarkdownDescription: "Whether the key is approved.", Computed: true},
		"approval_type": computed("How the key was approved, as Quay reports it (e.g. `ServiceKeyApprovalType.SUPERUSER`); null when unapproved."),
		"approved_date": computed("Approval time (RFC 3339, UTC); null when unapproved."),
		"approver":      computed("User name of the approver; null when unapproved or approved automatically."),
		"notes":         computed("Notes of the approval; null when unapproved."),
	}
}

func serviceKeyData(k *quay.ServiceKey) serviceKeyDataModel {
	m := serviceKeyDataModel{
		Kid:          types.StringValue(k.Kid),
		Service:      types.StringValue(k.Service),
		Name:         types.StringValue(k.Name),
		Expiration:   types.StringNull(),
		CreatedDate:  rfc3339FromHTTPDate(k.CreatedDate),
		Approved:     types.BoolValue(k.Approval != nil),
		ApprovalType: types.StringNull(),
		ApprovedDate: types.StringNull(),
		Approver:     types.StringNull(),
		Notes:        types.StringNull(),
		PublicKey:    types.StringNull(),
	}
	if k.ExpirationDate != nil {
		if t, err := quay.ParseHTTPDate(*k.ExpirationDate); err == nil {
			m.Expiration = types.StringValue(t.Format(time.RFC3339))
		}
	}
	md := map[string]string{}
	for key, v := range k.Metadata {
		md[key] = metadataString(v)
	}
	m.Metadata = types.MapValueMust(types.StringType, stringMapValues(md))
	if pub, err := k.JWK.PublicKeyPEM(); err == nil {
		m.PublicKey = types.StringValue(pub)
	}
	if a := k.Approval; a != nil {
		m.ApprovalType = types.StringValue(a.ApprovalType)
		m.ApprovedDate = rfc3339FromHTTPDate(a.ApprovedDate)
		m.Notes = types.StringValue(a.Notes)
		if a.Approver != nil {
			m.Approver = types.StringValue(a.Approver.Username)
		}
	}
	return m
}

func (d *serviceKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_key"
}

func (d *serviceKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one service key by its kid. Needs a superuser token. Keys that expired more than about seven days ago no longer exist.",
		Attributes:          serviceKeyDataAttributes(true),
	}
}

func (d *serviceKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *serviceKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg serviceKeyDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kid := cfg.Kid.ValueString()
	k, err := d.data.client.GetServiceKey(ctx, kid)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read service key %q", kid), err)
		return
	}
	state := serviceKeyData(k)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (d *serviceKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_keys"
}

func (d *serviceKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists service keys, including Quay's own instance keys (service `quay`) and keys waiting for approval. Needs a superuser token.",
		Attributes: map[string]schema.Attribute{
			"service": schema.StringAttribute{
				MarkdownDescription: "Only list keys of this service. Unset lists all keys.",
				Optional:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(serviceNameRegexp,
					"must contain only lowercase letters, digits and '_' (Quay's rule ^[a-z0-9_]+$)")},
			},
			"keys": schema.ListNestedAttribute{
				MarkdownDescription: "The keys, in Quay's order.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: serviceKeyDataAttributes(false)},
			},
		},
	}
}

func (d *serviceKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *serviceKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg serviceKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keys, err := d.data.client.ListServiceKeys(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list service keys", err)
		return
	}
	state := serviceKeysDataSourceModel{Service: cfg.Service, Keys: []serviceKeyDataModel{}}
	for i := range keys {
		if !cfg.Service.IsNull() && keys[i].Service != cfg.Service.ValueString() {
			continue
		}
		state.Keys = append(state.Keys, serviceKeyData(&keys[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure   = (*tagResource)(nil)
	_ resource.ResourceWithImportState = (*tagResource)(nil)
	_ resource.ResourceWithIdentity    = (*tagResource)(nil)
)

// NewTagResource is the quay_tag resource.
func NewTagResource() resource.Resource { return &tagResource{} }

type tagResource struct{ data *providerData }

type tagResourceModel struct {
	Repository     types.String `tfsdk:"repository"`
	Name           types.String `tfsdk:"name"`
	ManifestDigest types.String `tfsdk:"manifest_digest"`
	Expiration     types.String `tfsdk:"expiration"`
	Immutable      types.Bool   `tfsdk:"immutable"`
}

type tagIdentityModel struct {
	Repository types.String `tfsdk:"repository"`
	Name       types.String `tfsdk:"name"`
}

var (
	// tagNamePattern is Quay's rule for tag names.
	tagNamePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestPattern  = regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$`)
)

func (r *tagResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tag"
}

func (r *tagResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A tag of a repository pointing at an image (a manifest) the repository already holds, for example to promote an image to `prod` by its digest. " +
			"Changing `manifest_digest` moves the tag; destroying the resource deletes the tag, never the image. Quay refuses to move, expire or delete an immutable tag (see `quay_immutability_policy`). " +
			"A tag that already exists is not taken over: import it (`namespace/repository:tag`).",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{
				MarkdownDescription: "Repository as `namespace/name`. Changing it replaces the tag.",
				Required:            true,
				Validators:          repositoryPathValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Tag name: up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`. Changing it replaces the tag.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(tagNamePattern, "must be a tag name: up to 128 letters, digits, '_', '.' and '-', starting with a letter, digit or '_'")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"manifest_digest": schema.StringAttribute{
				MarkdownDescription: "Digest of the manifest the tag points at, such as `sha256:…`; the repository must hold it (for example, pushed under another tag). Changes in place (the tag moves).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(digestPattern, "must be a manifest digest such as sha256:<64 hex digits>")},
			},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "When Quay expires the tag (RFC 3339, such as `2030-01-01T00:00:00Z`): in the future, and within 104 weeks of the tag's last push or move (Quay keeps expirations between 1 hour and 104 weeks after it). Unset for no expiration; removing it clears the expiration. An expired tag is gone, and the next plan creates it again. Changes in place.",
				Optional:            true,
				Validators:          []validator.String{futureTimeValidator{}},
			},
			"immutable": schema.BoolAttribute{
				MarkdownDescription: "Whether Quay holds the tag immutable (an immutability policy matches it). Null when the server has no immutable tags.",
				Computed:            true,
			},
		},
	}
}

func (r *tagResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"repository": identityschema.StringAttribute{RequiredForImport: true, Description: "Repository as namespace/name."},
		"name":       identityschema.StringAttribute{RequiredForImport: true, Description: "Tag name."},
	}}
}

func (r *tagResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// changes are the PUTs that make Quay's tag what m says; prior is the
// tag's state before (nil on create). Quay applies a body's expiration
// before its manifest, and moving a tag makes a new tag without one, so a
// move goes first and the expiration follows in a PUT of its own.
func (m *tagResourceModel) changes(prior *tagResourceModel) []quay.TagChange {
	var out []quay.TagChange
	moved := prior == nil || !m.ManifestDigest.Equal(prior.ManifestDigest)
	if moved {
		out = append(out, quay.TagChange{ManifestDigest: m.ManifestDigest.ValueString()})
	}
	if t, ok := parseRFC3339(m.Expiration); ok {
		if moved || !sameInstant(m.Expiration, prior.Expiration) {
			s := t.Unix()
			out = append(out, quay.TagChange{Expiration: &s})
		}
	} else if !moved && !prior.Expiration.IsNull() {
		out = append(out, quay.TagChange{ClearExpiration: true})
	}
	return out
}

// apply sends the changes in order.
func (r *tagResource) apply(ctx context.Context, m *tagResourceModel, changes []quay.TagChange) error {
	ns, repo := splitRepositoryPath(m.Repository.ValueString())
	for _, tc := range changes {
		if err := r.data.client.SetTag(ctx, ns, repo, m.Name.ValueString(), tc); err != nil {
			return err
		}
	}
	return nil
}

func (r *tagResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tagResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, repo := splitRepositoryPath(plan.Repository.ValueString())
	tag := plan.Name.ValueString()
	id := plan.Repository.ValueString() + ":" + tag
	// Quay's tag PUT creates or moves: look first, so that a tag made
	// outside Terraform is never moved silently.
	existing, err := c.GetTag(ctx, ns, repo, tag)
	switch {
	case err == nil:
		addAlreadyExistsError(&resp.Diagnostics, "quay_tag", "tag "+id, id, fmt.Sprintf("It points at %s.", existing.ManifestDigest))
		return
	case !quay.IsNotFound(err):
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to check whether tag %s exists", id), err)
		return
	}
	if err := r.apply(ctx, &plan, plan.changes(nil)); err != nil {
		addTagError(&resp.Diagnostics, "Unable to create tag "+id, err)
		if !quay.IsNotFound(err) {
			// The tag may exist now: keep it tracked (tainted) rather than orphaned.
			if t, gerr := c.GetTag(ctx, ns, repo, tag); gerr == nil {
				tagToModel(t, &plan)
				resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			}
		}
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setTagIdentity(ctx, plan.Repository.ValueString(), tag, resp.Identity, &resp.Diagnostics)
}

// addTagError reports a failed tag write, explaining Quay's refusal of an
// immutable tag.
func addTagError(diags *diag.Diagnostics, summary string, err error) {
	if quay.IsTagImmutable(err) {
		summary += ": the tag is immutable (an immutability policy matches it, or it was marked so); Quay refuses to move, expire or delete it until a repository administrator clears it"
	}
	addAPIError(diags, summary, err)
}

// readInto reads the tag back into m after a write.
func (r *tagResource) readInto(ctx context.Context, m *tagResourceModel, diags *diag.Diagnostics) {
	ns, repo := splitRepositoryPath(m.Repository.ValueString())
	t, err := r.data.client.GetTag(ctx, ns, repo, m.Name.ValueString())
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read tag %s:%s back", m.Repository.ValueString(), m.Name.ValueString()), err)
		return
	}
	planned := m.Expiration
	tagToModel(t, m)
	if !sameInstant(planned, m.Expiration) {
		diags.AddAttributeError(path.Root("expiration"), "Quay set another expiration",
			fmt.Sprintf("Quay keeps a tag's expiration between 1 hour and 104 weeks after the tag was last pushed or moved; it set %s instead of %s.", m.Expiration.ValueString(), planned.ValueString()))
	}
}

// tagToModel copies Quay's tag; an expiration written differently in the
// configuration but naming the same instant is kept as written.
func tagToModel(t *quay.Tag, m *tagResourceModel) {
	m.ManifestDigest = types.StringValue(t.ManifestDigest)
	m.Immutable = types.BoolPointerValue(t.Immutable)
	if t.EndTS == nil {
		m.Expiration = types.StringNull()
		return
	}
	quayTime := time.Unix(*t.EndTS, 0).UTC()
	if prior, ok := parseRFC3339(m.Expiration); !ok || !prior.Equal(quayTime) {
		m.Expiration = types.StringValue(quayTime.Format(time.RFC3339))
	}
}

func (r *tagResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state tagResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, repo := splitRepositoryPath(state.Repository.ValueString())
	tag := state.Name.ValueString()
	setTagIdentity(ctx, state.Repository.ValueString(), tag, resp.Identity, &resp.Diagnostics)
	t, err := r.data.client.GetTag(ctx, ns, repo, tag)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "tag no longer exists in Quay (deleted, or expired); removing it from state", map[string]any{"repository": state.Repository.ValueString(), "tag": tag})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read tag %s:%s", state.Repository.ValueString(), tag), err)
		return
	}
	tagToModel(t, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *tagResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state tagResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tag := state.Name.ValueString()
	if err := r.apply(ctx, &plan, plan.changes(&state)); err != nil {
		addTagError(&resp.Diagnostics, fmt.Sprintf("Unable to update tag %s:%s", state.Repository.ValueString(), tag), err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setTagIdentity(ctx, state.Repository.ValueString(), tag, resp.Identity, &resp.Diagnostics)
}

// Delete deletes the tag; the manifest stays in the repository.
func (r *tagResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tagResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, repo := splitRepositoryPath(state.Repository.ValueString())
	tag := state.Name.ValueString()
	if err := r.data.client.DeleteTag(ctx, ns, repo, tag); err != nil && !quay.IsNotFound(err) {
		addTagError(&resp.Diagnostics, fmt.Sprintf("Unable to delete tag %s:%s", state.Repository.ValueString(), tag), err)
	}
}

// ImportState takes "namespace/repository:tag".
func (r *tagResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var repo, tag string
	if req.ID != "" {
		i := strings.LastIndex(req.ID, ":")
		if i > 0 {
			repo, tag = req.ID[:i], req.ID[i+1:]
		}
		if !repositoryPathRegexp.MatchString(repo) || !tagNamePattern.MatchString(tag) {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected \"namespace/repository:tag\", got %q.", req.ID))
			return
		}
	} else {
		var id tagIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		repo, tag = id.Repository.ValueString(), id.Name.ValueString()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("repository"), repo)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), tag)...)
	setTagIdentity(ctx, repo, tag, resp.Identity, &resp.Diagnostics)
}

func setTagIdentity(ctx context.Context, repo, tag string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, tagIdentityModel{Repository: types.StringValue(repo), Name: types.StringValue(tag)})...)
}

func parseRFC3339(v types.String) (time.Time, bool) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	return t, err == nil
}

func sameInstant(a, b types.String) bool {
	ta, okA := parseRFC3339(a)
	tb, okB := parseRFC3339(b)
	return okA == okB && (!okA || ta.Equal(tb))
}

// tagExpirationMaximum is the furthest Quay lets a tag's expiration be
// from the tag's last push (TAG_EXPIRATION_MAXIMUM, 104 weeks).
const tagExpirationMaximum = 104 * 7 * 24 * time.Hour

// futureTimeValidator accepts an RFC 3339 time in the future, as Quay
// refuses expirations in the past.
type futureTimeValidator struct{}

func (futureTimeValidator) Description(context.Context) string {
	return "must be an RFC 3339 time in the future, such as 2030-01-01T00:00:00Z"
}

func (v futureTimeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v futureTimeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time", fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	case !t.After(time.Now()):
		resp.Diagnostics.AddAttributeError(req.Path, "Time in the past", fmt.Sprintf("%q has passed: Quay refuses an expiration in the past.", req.ConfigValue.ValueString()))
	case t.After(time.Now().Add(tagExpirationMaximum)):
		resp.Diagnostics.AddAttributeError(req.Path, "Expiration too far ahead", fmt.Sprintf("%q is more than 104 weeks ahead: Quay keeps a tag's expiration within 104 weeks of its push.", req.ConfigValue.ValueString()))
	}
}

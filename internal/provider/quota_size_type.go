package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// quotaSizeType is a string holding a human quota size ("10 GiB"). Two
// values are semantically equal when they name the same number of bytes,
// so rewriting "10 GiB" as "10240 MiB" plans nothing.
type quotaSizeType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = quotaSizeType{}
	_ basetypes.StringValuableWithSemanticEquals = quotaSizeValue{}
)

func (t quotaSizeType) Equal(o attr.Type) bool {
	_, ok := o.(quotaSizeType)
	return ok
}

func (t quotaSizeType) String() string { return "quotaSizeType" }

func (t quotaSizeType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return quotaSizeValue{StringValue: in}, nil
}

func (t quotaSizeType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	out, diags := t.ValueFromString(ctx, sv)
	if diags.HasError() {
		return nil, fmt.Errorf("converting quota size: %v", diags)
	}
	return out, nil
}

func (t quotaSizeType) ValueType(context.Context) attr.Value { return quotaSizeValue{} }

// quotaSizeValue is a value of quotaSizeType.
type quotaSizeValue struct{ basetypes.StringValue }

func quotaSizeNull() quotaSizeValue { return quotaSizeValue{StringValue: basetypes.NewStringNull()} }

func quotaSizeOf(s string) quotaSizeValue {
	return quotaSizeValue{StringValue: basetypes.NewStringValue(s)}
}

func (v quotaSizeValue) Equal(o attr.Value) bool {
	other, ok := o.(quotaSizeValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v quotaSizeValue) Type(context.Context) attr.Type { return quotaSizeType{} }

// StringSemanticEquals compares the sizes in bytes.
func (v quotaSizeValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(quotaSizeValue)
	if !ok {
		return false, nil
	}
	a, errA := quay.ParseQuotaSize(v.ValueString())
	b, errB := quay.ParseQuotaSize(other.ValueString())
	return errA == nil && errB == nil && a == b, nil
}

// quotaSizeValidator rejects, at plan time, sizes Quay would refuse.
type quotaSizeValidator struct{}

func (quotaSizeValidator) Description(context.Context) string {
	return "must be a whole number followed by an optional unit: K, M, G, T, P, E (decimal, also KB, GB, …) or Ki, Mi, Gi, Ti, Pi, Ei (binary, also KiB, GiB, …); not B, not zero"
}

func (v quotaSizeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v quotaSizeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := quay.ParseQuotaSize(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid quota size", err.Error()+".")
	}
}

// keepEquivalentSize plans the prior spelling of limit when the new one
// names the same number of bytes. (The framework applies semantic equality
// to reads and applies, not to plans.)
type keepEquivalentSize struct{}

func (keepEquivalentSize) Description(context.Context) string {
	return "keeps the prior value when the configured size names the same number of bytes"
}

func (m keepEquivalentSize) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentSize) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	prior, newer := quotaSizeOf(req.StateValue.ValueString()), quotaSizeOf(req.ConfigValue.ValueString())
	if eq, _ := prior.StringSemanticEquals(ctx, newer); eq {
		resp.PlanValue = req.StateValue
	}
}

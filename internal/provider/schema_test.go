package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// describedAttribute is what every schema attribute kind offers.
type describedAttribute interface {
	GetMarkdownDescription() string
	GetDescription() string
}

// nestedAttributes returns the children of a nested attribute, if any.
func nestedAttributes(a any) map[string]describedAttribute {
	out := map[string]describedAttribute{}
	// Resource and data source nested attributes share one method set.
	if n, ok := a.(rschema.NestedAttribute); ok {
		for k, v := range n.GetNestedObject().GetAttributes() {
			out[k] = v
		}
	}
	return out
}

func checkDescribed(t *testing.T, where string, attrs map[string]describedAttribute) {
	t.Helper()
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" && a.GetDescription() == "" {
			t.Errorf("%s.%s has no description", where, name)
		}
		checkDescribed(t, where+"."+name, nestedAttributes(a))
	}
}

// TestEverySchemaIsDescribed fails on any resource, data source or
// attribute without a description: they feed the docs and editors.
func TestEverySchemaIsDescribed(t *testing.T) {
	ctx := context.Background()
	p := New("test")()

	var ps provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &ps)
	attrs := map[string]describedAttribute{}
	for k, v := range ps.Schema.Attributes {
		attrs[k] = v
	}
	checkDescribed(t, "provider", attrs)

	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)

	resources := p.Resources(ctx)
	if len(resources) == 0 {
		t.Fatal("no resources")
	}
	for _, f := range resources {
		r := f()
		var m resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		if s.Schema.MarkdownDescription == "" {
			t.Errorf("resource %s has no description", m.TypeName)
		}
		attrs := map[string]describedAttribute{}
		for k, v := range s.Schema.Attributes {
			attrs[k] = v
		}
		checkDescribed(t, m.TypeName, attrs)
		if ri, ok := r.(resource.ResourceWithIdentity); ok {
			var is resource.IdentitySchemaResponse
			ri.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &is)
			for k, v := range is.IdentitySchema.Attributes {
				if v.GetDescription() == "" && v.GetMarkdownDescription() == "" {
					t.Errorf("identity %s.%s has no description", m.TypeName, k)
				}
			}
		} else {
			t.Errorf("resource %s has no identity schema", m.TypeName)
		}
	}

	for _, f := range p.DataSources(ctx) {
		d := f()
		var m datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var s datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &s)
		if s.Schema.MarkdownDescription == "" {
			t.Errorf("data source %s has no description", m.TypeName)
		}
		attrs := map[string]describedAttribute{}
		for k, v := range s.Schema.Attributes {
			attrs[k] = v
		}
		checkDescribed(t, "data."+m.TypeName, attrs)
	}
}

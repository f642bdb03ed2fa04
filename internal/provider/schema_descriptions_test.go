package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// TestQuotaAndServiceKeySchemasDescribed checks that every attribute of the
// quota and service key resources and data sources has a MarkdownDescription.
func TestQuotaAndServiceKeySchemasDescribed(t *testing.T) {
	ctx := context.Background()
	for _, newRes := range []func() resource.Resource{NewQuotaResource, NewServiceKeyResource} {
		var meta resource.MetadataResponse
		newRes().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "quay"}, &meta)
		var resp resource.SchemaResponse
		newRes().Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		checkResourceAttrs(t, meta.TypeName, resp.Schema.Attributes)
	}
	for _, newDS := range []func() datasource.DataSource{NewQuotaDataSource, NewServiceKeyDataSource, NewServiceKeysDataSource} {
		var meta datasource.MetadataResponse
		newDS().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "quay"}, &meta)
		var resp datasource.SchemaResponse
		newDS().Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("data source %s has no description", meta.TypeName)
		}
		checkDataSourceAttrs(t, "data."+meta.TypeName, resp.Schema.Attributes)
	}
}

func checkResourceAttrs(t *testing.T, prefix string, attrs map[string]rschema.Attribute) {
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s has no MarkdownDescription", prefix, name)
		}
		if n, ok := a.(rschema.SetNestedAttribute); ok {
			checkResourceAttrs(t, prefix+"."+name, n.NestedObject.Attributes)
		}
	}
}

func checkDataSourceAttrs(t *testing.T, prefix string, attrs map[string]dsschema.Attribute) {
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s has no MarkdownDescription", prefix, name)
		}
		if n, ok := a.(dsschema.ListNestedAttribute); ok {
			checkDataSourceAttrs(t, prefix+"."+name, n.NestedObject.Attributes)
		}
	}
}

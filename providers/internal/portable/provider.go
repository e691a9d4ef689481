// Package portable implements the `portable` provider: data sources and resources the backend's stacks
// use where the providers built here have none.
package portable

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type portableProvider struct{}

// New returns the provider; it takes no configuration.
func New() provider.Provider { return &portableProvider{} }

func (p *portableProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "portable"
}

func (p *portableProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{Description: "What the portable backend needs from Terraform that no other provider it uses offers."}
}

func (p *portableProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *portableProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newDeployerSecret}
}

func (p *portableProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newSSHHostKey}
}

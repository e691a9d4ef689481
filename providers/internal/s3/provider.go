// Package s3 implements the `s3` provider: buckets on an S3-compatible object storage, with versioning
// and expiry rules, read back on every refresh (so a change made by hand shows as drift) and importable
// by name.
package s3

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

type s3Provider struct{}

// New returns the provider.
func New() provider.Provider { return &s3Provider{} }

type providerModel struct {
	Endpoint  types.String `tfsdk:"endpoint"`
	Region    types.String `tfsdk:"region"`
	AccessKey types.String `tfsdk:"access_key"`
	SecretKey types.String `tfsdk:"secret_key"`
}

func (p *s3Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "s3"
}

func (p *s3Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Buckets on an S3-compatible object storage, addressed path-style.",
		Attributes: map[string]schema.Attribute{
			"endpoint":   schema.StringAttribute{Required: true, Description: "The storage's URL, e.g. https://fsn1.your-objectstorage.com."},
			"region":     schema.StringAttribute{Required: true, Description: "The region requests are signed for, e.g. fsn1."},
			"access_key": schema.StringAttribute{Required: true, Sensitive: true},
			"secret_key": schema.StringAttribute{Required: true, Sensitive: true},
		},
	}
}

func (p *s3Provider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values known only after apply (another resource's output) arrive on a later call.
	if config.Endpoint.IsUnknown() || config.AccessKey.IsUnknown() || config.SecretKey.IsUnknown() || config.Region.IsUnknown() {
		return
	}
	client, err := newClient(config)
	if err != nil {
		resp.Diagnostics.AddError("Invalid S3 provider configuration", err.Error())
		return
	}
	resp.ResourceData = client
}

func newClient(config providerModel) (*minio.Client, error) {
	endpoint, err := url.Parse(config.Endpoint.ValueString())
	if err != nil || endpoint.Host == "" || (endpoint.Scheme != "https" && endpoint.Scheme != "http") || (endpoint.Path != "" && endpoint.Path != "/") {
		return nil, fmt.Errorf("endpoint %q: expected http(s)://host[:port] with no path", config.Endpoint.ValueString())
	}
	return minio.New(endpoint.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(config.AccessKey.ValueString(), config.SecretKey.ValueString(), ""),
		Secure:       endpoint.Scheme == "https",
		Region:       config.Region.ValueString(),
		BucketLookup: minio.BucketLookupPath,
	})
}

func (p *s3Provider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newBucket}
}

func (p *s3Provider) DataSources(context.Context) []func() datasource.DataSource { return nil }

package s3

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
)

// bucket is an S3 bucket: created, versioned and given its expiry rules as configured, and read back on
// every refresh. Destroying it never deletes data unless force_destroy says so: a bucket with objects
// in it is left in place and the destroy fails, naming it.
type bucket struct{ client *minio.Client }

type bucketModel struct {
	ID           types.String `tfsdk:"id"`
	Bucket       types.String `tfsdk:"bucket"`
	Versioning   types.Bool   `tfsdk:"versioning"`
	Expiration   []expiryRule `tfsdk:"expiration"`
	ForceDestroy types.Bool   `tfsdk:"force_destroy"`
}

// expiryRule deletes objects under a prefix some days after they were written.
type expiryRule struct {
	ID     types.String `tfsdk:"id"`
	Prefix types.String `tfsdk:"prefix"`
	Days   types.Int64  `tfsdk:"days"`
}

func newBucket() resource.Resource { return &bucket{} }

func (b *bucket) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket"
}

func (b *bucket) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An S3 bucket.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"bucket": schema.StringAttribute{Required: true, Description: "The bucket's name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"versioning": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Keep every version of every object (false: suspended, old versions stay)."},
			"expiration": schema.ListNestedAttribute{Optional: true, Description: "Rules deleting objects under a prefix some days after they were written.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":     schema.StringAttribute{Required: true},
					"prefix": schema.StringAttribute{Required: true},
					"days":   schema.Int64Attribute{Required: true},
				}}},
			"force_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Delete every object (and version) when the bucket is destroyed. Default false: a bucket with data is never deleted."},
		},
	}
}

func (b *bucket) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if client, ok := req.ProviderData.(*minio.Client); ok {
		b.client = client
	}
}

func (b *bucket) ready(diags interface{ AddError(string, string) }) bool {
	if b.client == nil {
		diags.AddError("S3 provider not configured", "the provider's endpoint and keys are not known yet")
		return false
	}
	return true
}

func (b *bucket) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bucketModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !b.ready(&resp.Diagnostics) {
		return
	}
	name := plan.Bucket.ValueString()
	if err := b.client.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		resp.Diagnostics.AddError("Creating bucket "+name+" failed", err.Error())
		return
	}
	plan.ID = plan.Bucket
	// Recorded now: a failure below leaves a bucket Terraform knows about (and will fix on the next apply).
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if err := b.apply(ctx, name, plan, nil); err != nil {
		resp.Diagnostics.AddError("Configuring bucket "+name+" failed", err.Error())
	}
}

func (b *bucket) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !b.ready(&resp.Diagnostics) {
		return
	}
	name := state.Bucket.ValueString()
	if name == "" {
		name = state.ID.ValueString() // an import: only the id is known
	}
	exists, err := b.client.BucketExists(ctx, name)
	if err != nil {
		resp.Diagnostics.AddError("Reading bucket "+name+" failed", err.Error())
		return
	}
	if !exists {
		resp.State.RemoveResource(ctx) // deleted outside Terraform: planned anew
		return
	}
	read, err := b.read(ctx, name)
	if err != nil {
		resp.Diagnostics.AddError("Reading bucket "+name+" failed", err.Error())
		return
	}
	read.ForceDestroy = state.ForceDestroy
	if read.ForceDestroy.IsNull() {
		read.ForceDestroy = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
}

// read is the bucket as the storage has it.
func (b *bucket) read(ctx context.Context, name string) (bucketModel, error) {
	model := bucketModel{ID: types.StringValue(name), Bucket: types.StringValue(name)}
	versioning, err := b.client.GetBucketVersioning(ctx, name)
	if err != nil {
		return model, fmt.Errorf("versioning: %w", err)
	}
	model.Versioning = types.BoolValue(versioning.Enabled())
	config, err := b.client.GetBucketLifecycle(ctx, name)
	if err != nil && !isNoLifecycle(err) {
		return model, fmt.Errorf("lifecycle: %w", err)
	}
	if config != nil {
		for _, rule := range config.Rules {
			if rule.Status != "Enabled" || rule.Expiration.Days == 0 {
				continue // not one this resource writes: left as it is, and not reported
			}
			prefix := rule.RuleFilter.Prefix
			if prefix == "" {
				prefix = rule.Prefix
			}
			model.Expiration = append(model.Expiration, expiryRule{
				ID: types.StringValue(rule.ID), Prefix: types.StringValue(prefix), Days: types.Int64Value(int64(rule.Expiration.Days)),
			})
		}
		sort.Slice(model.Expiration, func(i, j int) bool {
			return model.Expiration[i].ID.ValueString() < model.Expiration[j].ID.ValueString()
		})
	}
	return model, nil
}

// isNoLifecycle: the bucket has no expiry rules, or the storage has no lifecycle support at all (a
// configuration with rules then fails when it sets them, saying so).
func isNoLifecycle(err error) bool {
	var response minio.ErrorResponse
	return errors.As(err, &response) && (response.Code == "NoSuchLifecycleConfiguration" || response.Code == "NotImplemented")
}

func (b *bucket) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bucketModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !b.ready(&resp.Diagnostics) {
		return
	}
	if err := b.apply(ctx, plan.Bucket.ValueString(), plan, &state); err != nil {
		resp.Diagnostics.AddError("Configuring bucket "+plan.Bucket.ValueString()+" failed", err.Error())
		return
	}
	plan.ID = plan.Bucket
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply makes the bucket's versioning and expiry rules what plan says (only what differs from state, on an update).
func (b *bucket) apply(ctx context.Context, name string, plan bucketModel, state *bucketModel) error {
	if state == nil || plan.Versioning.ValueBool() != state.Versioning.ValueBool() {
		if plan.Versioning.ValueBool() {
			if err := b.client.EnableVersioning(ctx, name); err != nil {
				return fmt.Errorf("enabling versioning: %w", err)
			}
		} else if state != nil {
			if err := b.client.SuspendVersioning(ctx, name); err != nil {
				return fmt.Errorf("suspending versioning: %w", err)
			}
		}
	}
	if state != nil && rulesEqual(plan.Expiration, state.Expiration) {
		return nil
	}
	if len(plan.Expiration) == 0 {
		if state == nil {
			return nil
		}
		// An empty configuration removes the rules.
		return b.client.SetBucketLifecycle(ctx, name, lifecycle.NewConfiguration())
	}
	config := lifecycle.NewConfiguration()
	for _, rule := range plan.Expiration {
		config.Rules = append(config.Rules, lifecycle.Rule{
			ID:         rule.ID.ValueString(),
			Status:     "Enabled",
			RuleFilter: lifecycle.Filter{Prefix: rule.Prefix.ValueString()},
			Expiration: lifecycle.Expiration{Days: lifecycle.ExpirationDays(rule.Days.ValueInt64())},
		})
	}
	if err := b.client.SetBucketLifecycle(ctx, name, config); err != nil {
		return fmt.Errorf("setting the expiry rules: %w", err)
	}
	return nil
}

func rulesEqual(a, b []expiryRule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].ID.Equal(b[i].ID) || !a[i].Prefix.Equal(b[i].Prefix) || !a[i].Days.Equal(b[i].Days) {
			return false
		}
	}
	return true
}

func (b *bucket) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !b.ready(&resp.Diagnostics) {
		return
	}
	name := state.Bucket.ValueString()
	if state.ForceDestroy.ValueBool() {
		if err := b.empty(ctx, name); err != nil {
			resp.Diagnostics.AddError("Emptying bucket "+name+" failed", err.Error())
			return
		}
	}
	if err := b.client.RemoveBucket(ctx, name); err != nil {
		var response minio.ErrorResponse
		if errors.As(err, &response) && response.Code == "BucketNotEmpty" {
			resp.Diagnostics.AddError("Bucket "+name+" holds data, so it was not deleted",
				"force_destroy is false: Terraform never deletes a bucket's objects. Empty it by hand first, or set force_destroy.")
			return
		}
		resp.Diagnostics.AddError("Deleting bucket "+name+" failed", err.Error())
	}
}

// empty deletes every object and every version of one in the bucket.
func (b *bucket) empty(ctx context.Context, name string) error {
	objects := b.client.ListObjects(ctx, name, minio.ListObjectsOptions{Recursive: true, WithVersions: true})
	for result := range b.client.RemoveObjects(ctx, name, objects, minio.RemoveObjectsOptions{}) {
		if result.Err != nil {
			return fmt.Errorf("%s: %w", result.ObjectName, result.Err)
		}
	}
	return nil
}

func (b *bucket) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
}

var (
	_ resource.ResourceWithConfigure   = (*bucket)(nil)
	_ resource.ResourceWithImportState = (*bucket)(nil)
)

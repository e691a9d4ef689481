package portable

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// deployerSecret reads a secret from the environment of whoever runs the plan or apply (a person's shell,
// a CI job), so an environment file names where the value is without holding it. Terraform starts
// providers with its own environment, which is the deployer's.
//
// Terraform reads variables only as TF_VAR_<name>; this lets the file name the deployer's own variable
// (ACME_SECRET_KEY), and a missing one fails the plan, before anything changes, with a message naming
// the variable and the file that needs it.
type deployerSecret struct{}

type deployerSecretModel struct {
	Variable types.String `tfsdk:"variable"`
	UsedBy   types.String `tfsdk:"used_by"`
	Value    types.String `tfsdk:"value"`
}

func newDeployerSecret() datasource.DataSource { return &deployerSecret{} }

func (d *deployerSecret) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deployer_secret"
}

func (d *deployerSecret) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A secret's value, read from an environment variable of the process running Terraform.",
		Attributes: map[string]schema.Attribute{
			"variable": schema.StringAttribute{Required: true, Description: "The environment variable that holds the value."},
			"used_by":  schema.StringAttribute{Optional: true, Description: "What needs the value (e.g. a file and field), named when it is missing."},
			"value":    schema.StringAttribute{Computed: true, Sensitive: true, Description: "The value."},
		},
	}
}

func (d *deployerSecret) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model deployerSecretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	value, err := lookup(os.LookupEnv, model.Variable.ValueString(), model.UsedBy.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Secret not set", err.Error())
		return
	}
	model.Value = types.StringValue(value)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// lookup returns the variable's value, or why it cannot: unset and empty are both refused, since an
// empty secret is almost always a variable that was never filled in.
func lookup(env func(string) (string, bool), variable, usedBy string) (string, error) {
	value, set := env(variable)
	if set && value != "" {
		return value, nil
	}
	state := "is not set"
	if set {
		state = "is empty"
	}
	needs := "a secret is read from it"
	if usedBy != "" {
		needs = usedBy + " reads its value from it"
	}
	return "", fmt.Errorf("%s %s: %s. Set it in the environment of the plan or deploy (your shell, or the CI job's secrets); nothing was changed", variable, state, needs)
}

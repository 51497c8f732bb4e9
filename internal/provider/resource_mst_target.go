package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/sshcli"
)

var (
	_ resource.Resource                   = (*mstTargetResource)(nil)
	_ resource.ResourceWithConfigure      = (*mstTargetResource)(nil)
	_ resource.ResourceWithImportState    = (*mstTargetResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*mstTargetResource)(nil)
	_ resource.ResourceWithValidateConfig = (*mstTargetResource)(nil)
)

// kindMSTTarget names the entity in diagnostics.
const kindMSTTarget = "MST target"

// Default time limits of the deployment and the removal.
const (
	defaultMSTDeployTimeout = 60 * time.Minute
	defaultMSTRemoveTimeout = 30 * time.Minute
)

// Bounds of the wait for a deployed store to show in the v4 API.
const (
	storeWaitMin = 200 * time.Millisecond
	storeWaitMax = 10 * time.Second
)

// newMSTTargetResource is the constructor the provider registers.
func newMSTTargetResource() resource.Resource {
	return &mstTargetResource{}
}

// mstTargetResource deploys MST (Multicloud Snapshot Technology) for a bucket on the Prism
// Central of the provider configuration, by running clustermgmt-cli on its VM over SSH.
type mstTargetResource struct {
	data *providerData
}

// mstTargetModel is the resource's configuration and state. AccessKeyID and SecretAccessKey
// are write-only, as are the ssh credentials.
type mstTargetModel struct {
	ID              types.String   `tfsdk:"id"`
	SSH             *sshModel      `tfsdk:"ssh"`
	Bucket          types.String   `tfsdk:"bucket"`
	Region          types.String   `tfsdk:"region"`
	IPAddresses     types.List     `tfsdk:"ip_addresses"`
	NetworkName     types.String   `tfsdk:"network_name"`
	BucketType      types.String   `tfsdk:"bucket_type"`
	AccessKeyID     types.String   `tfsdk:"access_key_id"`
	SecretAccessKey types.String   `tfsdk:"secret_access_key"`
	Name            types.String   `tfsdk:"name"`
	Status          types.String   `tfsdk:"status"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// Metadata returns the resource type name.
func (r *mstTargetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mst_target"
}

// Schema describes the resource.
func (r *mstTargetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Deploys MST (Multicloud Snapshot Technology) on the Prism Central of the provider " +
			"configuration, so that protection policies can keep recovery points in an S3 (or Nutanix Objects) bucket: " +
			"the NC2 pilot-light topology. No API call deploys MST, so the resource does what the NC2 guide does: it " +
			"connects to the Prism Central VM over SSH as `nutanix` and runs `clustermgmt-cli mst deploy -b <bucket> " +
			"-r <region> -i <ip1>,<ip2>,<ip3> -s <network> -t <aws|ntx_oss>`, typing the access key and the secret key " +
			"at its prompts (they are never on the command line, in the logs, the plan or the state). It then reads the " +
			"recovery point store back through the v4 API (`/api/dataprotection/v4.4/config/recovery-point-stores`); " +
			"its `id` is what `nutanixdr_protection_policy` takes as `mst_target_id`.\n\n" +
			"Destroy runs `clustermgmt-cli mst remove -b <bucket>`, which needs a credential available at destroy " +
			"time: `ssh.private_key_file`. The write-only `ssh.password` and `ssh.private_key` are not (Terraform " +
			"does not keep them); without `ssh.private_key_file`, or when the Prism Central's CLI cannot remove MST, " +
			"destroy removes the resource from the state only and warns with the command to run by hand.\n\n" +
			"Write-only attributes need OpenTofu 1.11 or Terraform 1.11 and later.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "extId of the recovery point store MST created: the `mst_target_id` of " +
					"`nutanixdr_protection_policy`, and the import ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"ssh": schema.SingleNestedAttribute{
				MarkdownDescription: "How to reach the Prism Central VM over SSH. Changing it changes nothing on Prism " +
					"Central; the new values are used by the next destroy or replacement. Not imported.",
				Required: true,
				Attributes: map[string]schema.Attribute{
					"host": schema.StringAttribute{
						MarkdownDescription: "IP address or host name of the Prism Central VM (for NC2 on AWS, its address " +
							"in the VPC), without a port.",
						Required:   true,
						Validators: []validator.String{sshHost()},
					},
					"port": schema.Int64Attribute{
						MarkdownDescription: "SSH port. Defaults to `22`.",
						Optional:            true,
						Computed:            true,
						Default:             int64default.StaticInt64(sshcli.DefaultPort),
						Validators:          []validator.Int64{int64validator.Between(1, 65535)},
					},
					"user": schema.StringAttribute{
						MarkdownDescription: "User on the Prism Central VM. Defaults to `nutanix`, the user the NC2 guide runs " +
							"`clustermgmt-cli` as.",
						Optional:   true,
						Computed:   true,
						Default:    stringdefault.StaticString(sshcli.DefaultUser),
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"password": schema.StringAttribute{
						MarkdownDescription: "Password of `user`. Write-only: used when deploying and never stored, so it " +
							"is not available at destroy (see `private_key_file`). One of `password`, `private_key` or " +
							"`private_key_file` is required when the resource is created or replaced.",
						Optional:   true,
						Sensitive:  true,
						WriteOnly:  true,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"private_key": schema.StringAttribute{
						MarkdownDescription: "Unencrypted private key of `user` in PEM (OpenSSH, PKCS#1 or PKCS#8), e.g. " +
							"from an ephemeral resource or a sensitive variable. Write-only: used when deploying and never stored.",
						Optional:   true,
						Sensitive:  true,
						WriteOnly:  true,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"private_key_file": schema.StringAttribute{
						MarkdownDescription: "Path of an unencrypted private key file of `user`, read when deploying and " +
							"when destroying. The path is stored in the state, the key is not. The only credential destroy " +
							"can use to remove MST from Prism Central.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"host_key": schema.StringAttribute{
						MarkdownDescription: "Public host key of the Prism Central VM, pinned: in authorized_keys format " +
							"(`ssh-ed25519 AAAA...`, as `ssh-keyscan` prints it without the host name), as a known_hosts " +
							"line, or as a SHA256 fingerprint (`SHA256:...`). Required unless `insecure_ignore_host_key` is `true`.",
						Optional:   true,
						Validators: []validator.String{sshHostKey()},
					},
					"insecure_ignore_host_key": schema.BoolAttribute{
						MarkdownDescription: "Accept any host key: anyone able to intercept the connection then gets the " +
							"password and the bucket keys. Only for tests; pin `host_key` instead.",
						Optional: true,
					},
				},
			},
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Name of the bucket (`-b`): 3 to 63 characters, lowercase letters, digits, " +
					"hyphens and dots, no underscores. The NC2 guide recommends names starting with `nutanix-clusters` " +
					"(a warning says when it does not). The bucket must exist; this resource does not create it. " +
					"Changing it replaces the deployment.",
				Required:      true,
				Validators:    []validator.String{bucketName()},
				PlanModifiers: replace,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the bucket (`-r`), e.g. `ap-northeast-1`. Changing it replaces the deployment.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"ip_addresses": schema.ListAttribute{
				MarkdownDescription: "The three distinct IPv4 addresses of the MST service VMs (`-i`), inside " +
					"`network_name` and outside its DHCP pool, used by no VM. Checked against the network at plan time " +
					"when known, and at apply. Changing them replaces the deployment.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.List{
					listvalidator.SizeBetween(mstIPCount, mstIPCount),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(ipv4String()),
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"network_name": schema.StringAttribute{
				MarkdownDescription: "Name of the subnet of this Prism Central the MST service VMs join (`-s`), e.g. " +
					"`PC-Net`. Changing it replaces the deployment.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: replace,
			},
			"bucket_type": schema.StringAttribute{
				MarkdownDescription: "Kind of bucket (`-t`): `aws` (Amazon S3) or `ntx_oss` (Nutanix Objects). " +
					"Changing it replaces the deployment.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(client.BucketTypes...)},
				PlanModifiers: replace,
			},
			"access_key_id": schema.StringAttribute{
				MarkdownDescription: "Access key ID of a user with full access to the bucket, typed at the CLI's prompt. " +
					"Write-only: never stored; required when the resource is created or replaced. Changing it later " +
					"changes nothing (replace the resource to deploy with new keys).",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"secret_access_key": schema.StringAttribute{
				MarkdownDescription: "Secret access key of that user, typed at the CLI's prompt. Write-only: never " +
					"stored; required when the resource is created or replaced.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the recovery point store.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the recovery point store: `AVAILABLE`, or `REMOVING` while it is removed.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true, Delete: true,
				CreateDescription: "How long to wait for the deployment. Defaults to `\"" + durationText(defaultMSTDeployTimeout) + "\"`.",
				DeleteDescription: "How long to wait for the removal. Defaults to `\"" + durationText(defaultMSTRemoveTimeout) + "\"`.",
			}),
		},
	}
}

// Configure receives the provider data.
func (r *mstTargetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// mstSecrets are the write-only values of the configuration.
type mstSecrets struct {
	password, privateKey, accessKeyID, secretAccessKey string
}

// all lists them, for masking.
func (s mstSecrets) all() []string {
	return []string{s.password, s.privateKey, s.accessKeyID, s.secretAccessKey}
}

// Create deploys MST and reads the store back.
func (r *mstTargetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config mstTargetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sec := mstSecrets{accessKeyID: config.AccessKeyID.ValueString(), secretAccessKey: config.SecretAccessKey.ValueString()}
	if config.SSH != nil {
		sec.password, sec.privateKey = config.SSH.Password.ValueString(), config.SSH.PrivateKey.ValueString()
	}
	ctx = withMaskedSecrets(ctx, sec.all()...)
	bucket := plan.Bucket.ValueString()
	summary := errorSummary(opCreate, kindMSTTarget)
	if sec.accessKeyID == "" || sec.secretAccessKey == "" {
		resp.Diagnostics.AddError(summary, missingBucketKeysDetail(bucket))
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultMSTDeployTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var ips []string
	resp.Diagnostics.Append(plan.IPAddresses.ElementsAs(ctx, &ips, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.checkNotDeployed(ctx, &resp.Diagnostics, bucket); resp.Diagnostics.HasError() {
		return
	}
	if r.checkNetwork(ctx, &resp.Diagnostics, plan.NetworkName.ValueString(), ips); resp.Diagnostics.HasError() {
		return
	}
	cfg, err := sshConfig(plan.SSH, sec.password, sec.privateKey)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ssh").AtName("private_key_file"), summary, err.Error())
		return
	}
	d := mstDeployment{Bucket: bucket, Region: plan.Region.ValueString(), Network: plan.NetworkName.ValueString(),
		BucketType: plan.BucketType.ValueString(), IPs: ips, AccessKeyID: sec.accessKeyID, SecretAccessKey: sec.secretAccessKey}
	run := runCLI(ctx, cfg, d.argv(), d.answers())
	if run.err != nil && !errors.Is(run.err, sshcli.ErrPromptNotAnswered) {
		detail := fmt.Sprintf("Could not run `%s` on the Prism Central VM %s:\n\n%s", run.command, cfg, run.err)
		if hint := sshErrorHint(run.err); hint != "" {
			detail += "\n\n" + hint
		}
		resp.Diagnostics.AddAttributeError(path.Root("ssh"), summary, detail)
		return
	}
	if run.result.ExitStatus != 0 || run.err != nil {
		msg := cliMessage(run.result)
		detail := fmt.Sprintf("`%s` on the Prism Central VM %s exited with status %d:\n\n%s", run.command, cfg,
			run.result.ExitStatus, msg)
		if hint := mstDeployHint(msg); hint != "" {
			detail += "\n\n" + hint
		}
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	store, err := r.waitForStore(ctx, bucket)
	if err != nil {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("`%s` succeeded, but the recovery point store of bucket %q could "+
			"not be read back through the v4 API:\n\n%s\n\nCheck `clustermgmt-cli mst list` on the Prism Central VM; once "+
			"the store exists, import it by its id.", run.command, bucket, err))
		return
	}
	flattenMSTTarget(&plan, store)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read refreshes the store; a store removed outside Terraform is removed from the state.
func (r *mstTargetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mstTargetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	store, err := r.data.client.GetRecoveryPointStore(ctx, id)
	if !readFound(ctx, resp, kindMSTTarget, id, err) {
		return
	}
	flattenMSTTarget(&state, store)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update stores what changes in place: the ssh connection and the timeouts. Every other
// argument replaces the deployment, and the keys are write-only.
func (r *mstTargetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state mstTargetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.Name, plan.Status = state.ID, state.Name, state.Status
	plan.AccessKeyID, plan.SecretAccessKey = types.StringNull(), types.StringNull()
	if plan.SSH != nil {
		plan.SSH.Password, plan.SSH.PrivateKey = types.StringNull(), types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete removes MST with clustermgmt-cli mst remove when a credential is available at
// destroy time (ssh.private_key_file) and the CLI offers removal; otherwise it removes the
// resource from the state with a warning that says what to run by hand.
func (r *mstTargetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mstTargetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultMSTRemoveTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id, bucket := state.ID.ValueString(), state.Bucket.ValueString()
	summary := errorSummary(opDelete, kindMSTTarget)

	if _, err := r.data.client.GetRecoveryPointStore(ctx, id); errors.Is(err, client.ErrNotFound) {
		return
	} else if err != nil {
		addClientError(&resp.Diagnostics, opDelete, kindMSTTarget, id, err)
		return
	}
	if state.SSH == nil || state.SSH.PrivateKeyFile.IsNull() || state.SSH.PrivateKeyFile.ValueString() == "" {
		resp.Diagnostics.AddWarning("MST target removed from the state only", manualRemovalDetail(bucket, id,
			"the SSH password or private key is write-only, so it is not available at destroy (set ssh.private_key_file "+
				"to let destroy remove MST)"))
		return
	}
	cfg, err := sshConfig(state.SSH, "", "")
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ssh").AtName("private_key_file"), summary,
			err.Error()+"\n\nFix the file, or remove the resource from the state with `tofu state rm` and remove MST by hand.")
		return
	}
	run := runCLI(ctx, cfg, []string{mstCLI, "mst", "remove", "-b", bucket}, nil)
	if run.err != nil {
		detail := fmt.Sprintf("Could not run `%s` on the Prism Central VM %s:\n\n%s", run.command, cfg, run.err)
		if hint := sshErrorHint(run.err); hint != "" {
			detail += "\n\n" + hint
		}
		resp.Diagnostics.AddAttributeError(path.Root("ssh"), summary, detail+
			"\n\nTo give up on removing it from Prism Central, run `tofu state rm` on this resource.")
		return
	}
	msg := cliMessage(run.result)
	switch {
	case run.result.ExitStatus == 0:
	case cliUnavailable(run.result):
		resp.Diagnostics.AddWarning("MST target removed from the state only", manualRemovalDetail(bucket, id,
			fmt.Sprintf("the Prism Central's CLI does not offer removal (`%s` answered: %s)", run.command, msg)))
		return
	case strings.Contains(strings.ToLower(msg), "no mst deployment found"):
		return
	default:
		resp.Diagnostics.AddError(summary, fmt.Sprintf("`%s` on the Prism Central VM %s exited with status %d:\n\n%s",
			run.command, cfg, run.result.ExitStatus, msg))
		return
	}
	if err := r.waitForStoreGone(ctx, id); err != nil {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("`%s` succeeded, but recovery point store %s is still listed:\n\n%s",
			run.command, id, err))
	}
}

// ImportState imports a deployment by the extId of its recovery point store. The ssh
// connection and the keys cannot be imported: the next apply stores the configured ssh values
// without deploying again.
func (r *mstTargetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isUUID(req.ID) {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("The import ID of nutanixdr_mst_target is the extId of the recovery point store, such as "+
				"\"0b6f2e1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b\" (see the nutanixdr_mst_target data source, looked up by "+
				"bucket, or `clustermgmt-cli mst list`); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ValidateConfig checks what the attribute validators cannot: the pinned host key, and the
// bucket type against the region.
func (r *mstTargetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg mstTargetModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.SSH == nil {
		return
	}
	s := cfg.SSH
	if s.HostKey.IsNull() && !s.InsecureIgnoreHostKey.IsUnknown() && !s.InsecureIgnoreHostKey.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("ssh").AtName("host_key"), "Missing SSH host key",
			"ssh.host_key pins the host key of the Prism Central VM, so that the password and the bucket keys are "+
				"only given to it. Set it (e.g. from `ssh-keyscan -t ed25519 <host>`), or set "+
				"ssh.insecure_ignore_host_key = true to accept any key (tests only).")
	}
	if !s.PrivateKey.IsNull() && !s.PrivateKeyFile.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("ssh").AtName("private_key_file"), "Conflicting SSH private keys",
			"Set ssh.private_key or ssh.private_key_file, not both.")
	}
}

// ModifyPlan refuses, at plan time, to deploy without keys or an SSH credential (write-only
// values are optional so that they can leave the configuration afterwards), and checks the
// addresses against the Prism Central's network when they are known.
func (r *mstTargetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // Destroy: nothing to check.
	}
	var plan, config mstTargetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	if !creating {
		var state mstTargetModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		creating = mstTargetReplaced(plan, state)
	}
	if !creating {
		return
	}
	bucket := plan.Bucket.ValueString()
	if config.AccessKeyID.IsNull() || config.SecretAccessKey.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("access_key_id"), "Missing bucket keys", missingBucketKeysDetail(bucket))
	}
	if config.SSH != nil && !config.SSH.hasCredential() {
		resp.Diagnostics.AddAttributeError(path.Root("ssh"), "Missing SSH credential",
			"Deploying MST logs in to the Prism Central VM: set ssh.password, ssh.private_key or ssh.private_key_file.")
	}
	if resp.Diagnostics.HasError() || r.data == nil {
		return
	}
	// Whether the bucket is deployed already is checked at apply only: the create half of a
	// replacement is planned without the prior state, and would find the deployment it replaces.
	if plan.NetworkName.IsUnknown() || plan.IPAddresses.IsUnknown() {
		return // Checked at apply.
	}
	var ips []types.String
	resp.Diagnostics.Append(plan.IPAddresses.ElementsAs(ctx, &ips, false)...)
	known := make([]string, 0, len(ips))
	for _, ip := range ips {
		if ip.IsUnknown() {
			return // Checked at apply.
		}
		known = append(known, ip.ValueString())
	}
	r.checkNetwork(ctx, &resp.Diagnostics, plan.NetworkName.ValueString(), known)
}

// mstTargetReplaced tells whether the plan replaces the deployment of state, as the plan
// modifiers of the arguments decide. Unknown values do not count: Create checks again.
func mstTargetReplaced(plan, state mstTargetModel) bool {
	for _, p := range [][2]types.String{{plan.Bucket, state.Bucket}, {plan.Region, state.Region},
		{plan.NetworkName, state.NetworkName}, {plan.BucketType, state.BucketType}} {
		if !p[0].IsUnknown() && !p[1].IsNull() && !p[0].Equal(p[1]) {
			return true
		}
	}
	return !plan.IPAddresses.IsUnknown() && !state.IPAddresses.IsNull() && !plan.IPAddresses.Equal(state.IPAddresses)
}

// checkNotDeployed refuses a bucket that already has a store on this Prism Central, with the
// import command.
func (r *mstTargetResource) checkNotDeployed(ctx context.Context, diags *diag.Diagnostics, bucket string) {
	stores, err := r.data.client.ListRecoveryPointStores(ctx, client.StoreFilterBucket(bucket))
	if err != nil {
		addClientError(diags, opLookup, "recovery point store of bucket", bucket, err)
		return
	}
	for _, s := range stores {
		if s.Bucket == bucket {
			diags.AddAttributeError(path.Root("bucket"), "MST already deployed for the bucket",
				fmt.Sprintf("Bucket %q already has an MST deployment on this Prism Central (recovery point store %s, "+
					"status %s). To manage it, import it:\n\n  tofu import nutanixdr_mst_target.<name> %s\n\n(or "+
					"terraform import), or use another bucket.", bucket, s.ExtID, s.Status, s.ExtID))
			return
		}
	}
}

// checkNetwork looks the network up by name and checks the addresses against it and the VMs.
func (r *mstTargetResource) checkNetwork(ctx context.Context, diags *diag.Diagnostics, network string, ips []string) {
	if problems := checkMSTAddresses(ips); len(problems) > 0 {
		diags.AddAttributeError(path.Root("ip_addresses"), "Invalid MST addresses", strings.Join(problems, "\n"))
		return
	}
	filter := ""
	if fiqlSafe(network) {
		filter = "name==" + network
	}
	subnets, err := r.data.client.ListSubnets(ctx, filter)
	if err != nil {
		addClientError(diags, opLookup, "subnet", network, err)
		return
	}
	var matches []client.Subnet
	for _, s := range subnets {
		if s.Name == network {
			matches = append(matches, s)
		}
	}
	switch len(matches) {
	case 0:
		all, err := r.data.client.ListSubnets(ctx, "")
		if err != nil {
			addClientError(diags, opLookup, "subnet", network, err)
			return
		}
		names := make([]string, 0, len(all))
		for _, s := range all {
			names = append(names, s.Name)
		}
		diags.AddAttributeError(path.Root("network_name"), "Unknown MST network",
			fmt.Sprintf("No subnet named %q on this Prism Central. Its subnets: %s.", network, listNames(names)))
		return
	case 1:
	default:
		diags.AddAttributeError(path.Root("network_name"), "Ambiguous MST network",
			fmt.Sprintf("%d subnets are named %q on this Prism Central; clustermgmt-cli needs a unique name: rename one.",
				len(matches), network))
		return
	}
	vms, err := r.data.client.ListVMs(ctx, "")
	if err != nil {
		addClientError(diags, opLookup, "VMs using the addresses of network", network, err)
		return
	}
	usedBy := map[string]string{}
	for _, vm := range vms {
		for _, ip := range vm.IPAddresses {
			usedBy[ip] = vm.Name
		}
	}
	if problems := mstNetworkProblems(matches[0], ips, usedBy); len(problems) > 0 {
		diags.AddAttributeError(path.Root("ip_addresses"), "Invalid MST addresses", strings.Join(problems, "\n"))
	}
}

// waitForStore waits until the bucket's store is listed by the v4 API.
func (r *mstTargetResource) waitForStore(ctx context.Context, bucket string) (*client.RecoveryPointStore, error) {
	wait := storeWaitMin
	for {
		stores, err := r.data.client.ListRecoveryPointStores(ctx, client.StoreFilterBucket(bucket))
		if err != nil {
			return nil, err
		}
		for i := range stores {
			if stores[i].Bucket == bucket {
				return &stores[i], nil
			}
		}
		if err := waitCtx(ctx, wait); err != nil {
			return nil, fmt.Errorf("no recovery point store of bucket %s is listed yet: %w", bucket, err)
		}
		wait = min(wait*2, storeWaitMax)
	}
}

// waitForStoreGone waits until the store is no longer found.
func (r *mstTargetResource) waitForStoreGone(ctx context.Context, id string) error {
	wait := storeWaitMin
	for {
		s, err := r.data.client.GetRecoveryPointStore(ctx, id)
		if errors.Is(err, client.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := waitCtx(ctx, wait); err != nil {
			return fmt.Errorf("the store is still %s: %w", s.Status, err)
		}
		wait = min(wait*2, storeWaitMax)
	}
}

// mstStringList returns a list of strings, never null.
func mstStringList(items []string) types.List {
	vals := make([]attr.Value, 0, len(items))
	for _, it := range items {
		vals = append(vals, types.StringValue(it))
	}
	return types.ListValueMust(types.StringType, vals)
}

// waitCtx blocks for d or until ctx ends.
func waitCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// missingBucketKeysDetail words the refusal to deploy without keys.
func missingBucketKeysDetail(bucket string) string {
	return fmt.Sprintf("Deploying MST for bucket %q types the bucket's access key and secret key at the CLI's prompts: "+
		"set access_key_id and secret_access_key (write-only: they are not stored in the state), e.g. from sensitive "+
		"variables or an ephemeral resource. They may be removed from the configuration once deployed.", bucket)
}

// manualRemovalDetail words the warning of a destroy that leaves MST on Prism Central.
func manualRemovalDetail(bucket, id, why string) string {
	return fmt.Sprintf("The MST deployment of bucket %q (recovery point store %s) was removed from the Terraform state "+
		"but not from Prism Central: %s.\n\nTo remove it, run on the Prism Central VM as nutanix:\n\n"+
		"  clustermgmt-cli mst remove -b %s\n\n(or remove it in Prism Central), after removing it from every "+
		"protection policy. The bucket and its objects are left as they are.", bucket, id, why, bucket)
}

// flattenMSTTarget fills m from the store; the arguments too, so that an import gets them. The
// write-only values are never set.
func flattenMSTTarget(m *mstTargetModel, s *client.RecoveryPointStore) {
	m.ID = types.StringValue(s.ExtID)
	m.Name = types.StringValue(s.Name)
	m.Status = types.StringValue(s.Status)
	m.Bucket = types.StringValue(s.Bucket)
	m.Region = types.StringValue(s.Region)
	m.BucketType = types.StringValue(s.BucketType)
	m.NetworkName = types.StringValue(s.NetworkName)
	m.IPAddresses = mstStringList(s.IPAddresses)
	m.AccessKeyID, m.SecretAccessKey = types.StringNull(), types.StringNull()
	if m.SSH != nil {
		m.SSH.Password, m.SSH.PrivateKey = types.StringNull(), types.StringNull()
	}
}

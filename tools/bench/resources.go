package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"text/template"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/scenario"
)

// resourceCase measures one resource type alone: what it needs is made beforehand through the
// API (not counted), and its configuration names it by literal IDs, so that the counts are the
// resource's own: create (plan and apply), refresh (a plan that finds nothing to do), update
// (plan and apply of a changed attribute, without refresh) and delete (without refresh).
type resourceCase struct {
	typ    string
	preset string
	pc     string
	// dr names the Prism Centrals that start with disaster recovery enabled.
	dr []string
	// categories are added to every Prism Central: key -> values.
	categories map[string][]string
	// setup prepares the world through the API and returns the values the templates use.
	setup func(ctx context.Context, w *prismsim.World, c *client.Client) (map[string]string, error)
	// create and update are the resource block (named "t"); update may be "" (nothing to
	// update in place).
	create, update string
}

// resourceCases are the resource types measured by -resources. nutanixdr_failover and
// nutanixdr_mst_target are left out: their counts depend on the recovery plan job's steps and on
// the SSH deployment, and are given from the code in the closing note of issue 14.
var resourceCases = []resourceCase{
	{
		typ: "nutanixdr_category", preset: "leap-two-sites", pc: "canada",
		create: `name = "bench"`,
		update: `name = "bench"
  description = "changed"`,
	},
	{
		typ: "nutanixdr_category_value", preset: "leap-two-sites", pc: "canada",
		categories: map[string][]string{"bench": nil},
		create: `category = "bench"
  value = "v1"`,
		update: `category = "bench"
  value = "v1"
  description = "changed"`,
	},
	{
		typ: "nutanixdr_vm_categories", preset: "leap-two-sites", pc: "canada",
		categories: map[string][]string{"bench": {"v1", "v2"}},
		setup:      vmSetup("app-01"),
		create: `vm_id = "{{.vm}}"
  categories = { bench = "v1" }`,
		update: `vm_id = "{{.vm}}"
  categories = { bench = "v2" }`,
	},
	{
		typ: "nutanixdr_disaster_recovery", preset: "leap-two-sites", pc: "canada",
		create: ``,
	},
	{
		typ: "nutanixdr_availability_zone", preset: "leap-two-sites", pc: "canada", dr: []string{"canada", "france"},
		setup: func(_ context.Context, w *prismsim.World, _ *client.Client) (map[string]string, error) {
			fr := w.PC("france")
			return map[string]string{"address": fr.AdvertisedIP(), "username": fr.Username()}, nil
		},
		create: `remote_address = "{{.address}}"
  username = "{{.username}}"
  password = var.remote_password`,
	},
	{
		typ: "nutanixdr_protection_policy", preset: "leap-two-sites", pc: "canada", dr: []string{"canada", "france"},
		categories: map[string][]string{"replicated-vm": {"from-canada"}},
		setup:      pairedSetup,
		create:     policyBlock(""),
		update:     policyBlock(`description = "changed"`),
	},
	{
		typ: "nutanixdr_recovery_plan", preset: "leap-two-sites", pc: "canada", dr: []string{"canada", "france"},
		categories: map[string][]string{"replicated-vm": {"from-canada"}},
		setup:      pairedSetup,
		create:     planBlock(""),
		update:     planBlock(`description = "changed"`),
	},
	{
		typ: "nutanixdr_subnet", preset: "nc2-cross-region", pc: "tokyo",
		setup:  clusterSetup,
		create: externalSubnetBlock(""),
		update: externalSubnetBlock(`description = "changed"`),
	},
	{
		typ: "nutanixdr_vpc", preset: "nc2-cross-region", pc: "tokyo",
		setup: externalSubnetSetup,
		create: `name = "vpc-a"
  external_subnet_ids = ["{{.external}}"]
  externally_routable_prefixes = ["172.30.0.0/16"]`,
		update: `name = "vpc-a"
  description = "changed"
  external_subnet_ids = ["{{.external}}"]
  externally_routable_prefixes = ["172.30.0.0/16"]`,
	},
	{
		typ: "nutanixdr_vpc_route_table", preset: "nc2-cross-region", pc: "tokyo",
		setup: vpcSetup,
		create: `vpc_id = "{{.vpc}}"
  default_route_external_subnet_id = "{{.external}}"`,
		update: `vpc_id = "{{.vpc}}"
  default_route_external_subnet_id = "{{.external}}"
  static_routes = [{ destination = "10.200.0.0/16", external_subnet_id = "{{.external}}" }]`,
	},
}

func policyBlock(extra string) string {
	return `name = "replicated-vm"
  ` + extra + `
  category_filter = { categories = { "replicated-vm" = ["from-canada"] } }
  locations = [
    { label = "canada", availability_zone_id = "{{.local_az}}", cluster_ids = ["{{.ca01}}"], primary = true },
    { label = "france", availability_zone_id = "{{.remote_az}}", cluster_ids = ["{{.fr01}}"] },
  ]
  replications = [
    { from = "canada", to = "france", rpo = "1h", local_retention = { count = 2 }, remote_retention = { count = 2 } },
  ]`
}

func planBlock(extra string) string {
	return `name = "canada-to-france"
  ` + extra + `
  primary_location  = { availability_zone_id = "{{.local_az}}" }
  recovery_location = { availability_zone_id = "{{.remote_az}}" }
  stages = [{ entities = [{ categories = { "replicated-vm" = "from-canada" } }] }]`
}

func externalSubnetBlock(extra string) string {
	return `name = "ext-nonat"
  ` + extra + `
  type = "VLAN"
  cluster_id = "{{.cluster}}"
  vlan_id = 100
  is_external = true
  enable_nat = false
  ip_config = { cidr = "10.10.100.0/24", gateway_ip = "10.10.100.1" }`
}

func vmSetup(name string) func(context.Context, *prismsim.World, *client.Client) (map[string]string, error) {
	return func(ctx context.Context, _ *prismsim.World, c *client.Client) (map[string]string, error) {
		vms, err := c.ListVMs(ctx, "vm_name=="+name)
		if err != nil {
			return nil, err
		}
		if len(vms) != 1 {
			return nil, fmt.Errorf("%d VMs named %s", len(vms), name)
		}
		return map[string]string{"vm": vms[0].UUID}, nil
	}
}

func clusterUUID(ctx context.Context, c *client.Client, name string) (string, error) {
	clusters, err := c.ListClusters(ctx, "")
	if err != nil {
		return "", err
	}
	for _, cl := range clusters {
		if cl.Name == name && !cl.IsPrismCentral {
			return cl.UUID, nil
		}
	}
	return "", fmt.Errorf("no cluster %s", name)
}

// pairedSetup pairs canada with france and returns both availability zones and clusters.
func pairedSetup(ctx context.Context, w *prismsim.World, c *client.Client) (map[string]string, error) {
	fr := w.PC("france")
	ct, err := c.CreateCloudTrust(ctx, client.CloudTrustInput{RemoteAddress: fr.AdvertisedIP(),
		Username: fr.Username(), Password: fr.Password(), CloudType: client.CloudTypeOnPrem})
	if err != nil {
		return nil, fmt.Errorf("pairing: %w", err)
	}
	local, err := c.LocalAvailabilityZone(ctx)
	if err != nil {
		return nil, err
	}
	ca01, err := clusterUUID(ctx, c, "CA01")
	if err != nil {
		return nil, err
	}
	frc, err := pcClient(fr)
	if err != nil {
		return nil, err
	}
	fr01, err := clusterUUID(ctx, frc, "FR01")
	if err != nil {
		return nil, err
	}
	return map[string]string{"local_az": local.UUID, "remote_az": ct.AvailabilityZoneUUID, "ca01": ca01, "fr01": fr01}, nil
}

func clusterSetup(ctx context.Context, _ *prismsim.World, c *client.Client) (map[string]string, error) {
	id, err := clusterUUID(ctx, c, "NC2-TYO")
	return map[string]string{"cluster": id}, err
}

func externalSubnetSetup(ctx context.Context, w *prismsim.World, c *client.Client) (map[string]string, error) {
	vals, err := clusterSetup(ctx, w, c)
	if err != nil {
		return nil, err
	}
	vlan, ext, nat := int64(100), true, false
	s, err := c.CreateSubnet(ctx, client.SubnetSpec{Name: "ext-nonat", SubnetType: client.SubnetTypeVLAN,
		ClusterUUID: vals["cluster"], VLANID: &vlan, IsExternal: &ext, EnableNAT: &nat,
		IPConfig: &client.IPConfig{CIDR: "10.10.100.0/24", GatewayIP: "10.10.100.1"}})
	if err != nil {
		return nil, err
	}
	vals["external"] = s.UUID
	return vals, nil
}

func vpcSetup(ctx context.Context, w *prismsim.World, c *client.Client) (map[string]string, error) {
	vals, err := externalSubnetSetup(ctx, w, c)
	if err != nil {
		return nil, err
	}
	v, err := c.CreateVPC(ctx, client.VPC{Name: "vpc-a", ExternalSubnetUUIDs: []string{vals["external"]},
		ExternallyRoutablePrefixes: []string{"172.30.0.0/16"}})
	if err != nil {
		return nil, err
	}
	vals["vpc"] = v.UUID
	return vals, nil
}

func pcClient(pc *prismsim.PC) (*client.Client, error) {
	return client.New(client.Config{Endpoint: pc.URL(), Username: pc.Username(), Password: pc.Password(),
		CACertPEM: string(pc.CACertPEM())})
}

// resourceResult is the requests of each phase of one resource type.
type resourceResult struct {
	typ    string
	phases []string
	counts map[string]prismsim.RequestCounts
}

// resourcePhases are measured in this order; update is skipped when the case has none.
var resourcePhases = []phase{
	{name: "create", args: []string{"apply", "-auto-approve", "-refresh=false"}},
	{name: "refresh", args: []string{"plan", "-detailed-exitcode"}},
	{name: "update", args: []string{"apply", "-auto-approve", "-refresh=false"}},
	{name: "delete", args: []string{"destroy", "-auto-approve", "-refresh=false"}},
}

// measureResources runs every case with the provider in dir.
func measureResources(ctx context.Context, tofu, dir, tmp string) ([]resourceResult, error) {
	var out []resourceResult
	for i, rc := range resourceCases {
		_, _ = fmt.Fprintf(os.Stderr, "bench: %s\n", rc.typ)
		r, err := measureResource(ctx, tofu, dir, filepath.Join(tmp, fmt.Sprintf("resource-%d", i)), rc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rc.typ, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func measureResource(ctx context.Context, tofu, providerDir, dir string, rc resourceCase) (resourceResult, error) {
	res := resourceResult{typ: rc.typ, counts: map[string]prismsim.RequestCounts{}}
	cfg, err := prismsim.Preset(rc.preset)
	if err != nil {
		return res, err
	}
	for i := range cfg.PCs {
		for _, name := range rc.dr {
			if cfg.PCs[i].Name == name {
				cfg.PCs[i].DREnabled = true
			}
		}
		for key, values := range rc.categories {
			cfg.PCs[i].Categories = append(cfg.PCs[i].Categories, prismsim.CategoryConfig{Name: key, Values: values})
		}
	}
	w, err := startWorld(cfg)
	if err != nil {
		return res, err
	}
	defer func() { _ = w.Close() }()
	pc := w.PC(rc.pc)
	c, err := pcClient(pc)
	if err != nil {
		return res, err
	}
	vals := map[string]string{}
	if rc.setup != nil {
		if vals, err = rc.setup(ctx, w, c); err != nil {
			return res, fmt.Errorf("setting up: %w", err)
		}
	}
	env, err := w.WriteState(filepath.Join(dir, "state"))
	if err != nil {
		return res, err
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		return res, err
	}
	cli := filepath.Join(dir, "tofu.tfrc")
	if err := os.WriteFile(cli, []byte(scenario.DevOverridesConfig(providerDir)), 0o600); err != nil {
		return res, err
	}
	environ := tofuEnv(os.Environ(), cli, env.PCs[rc.pc])
	if fr := w.PC("france"); fr != nil {
		// The pairing's password, from the environment rather than the command line.
		environ = append(environ, "TF_VAR_remote_password="+fr.Password())
	}
	for _, ph := range resourcePhases {
		body := rc.create
		if ph.name == "update" {
			if rc.update == "" {
				continue
			}
			body = rc.update
		}
		if err := writeResourceConfig(work, rc.typ, body, env.PCs[rc.pc].CAFile, vals); err != nil {
			return res, err
		}
		args := append([]string{ph.args[0], "-no-color", "-input=false"}, ph.args[1:]...)
		pc.ResetRequestCounts()
		if err := runTofu(ctx, tofu, work, environ, args); err != nil {
			return res, fmt.Errorf("%s: %w", ph.name, err)
		}
		res.phases = append(res.phases, ph.name)
		res.counts[ph.name] = pc.RequestCounts()
	}
	return res, nil
}

func writeResourceConfig(dir, typ, body, caFile string, vals map[string]string) error {
	tmpl, err := template.New(typ).Option("missingkey=error").Parse(body)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, vals); err != nil {
		return err
	}
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    nutanixdr = { source = "nutanixdr/nutanixdr" }
  }
}

provider "nutanixdr" {
  ca_certificate = file(%q)
}

variable "remote_password" {
  type      = string
  sensitive = true
  default   = null
}

resource %q "t" {
  %s
}
`, caFile, typ, b.String())
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600)
}

// reportResources prints the requests of each phase by resource type, then by route.
func reportResources(w io.Writer, results []resourceResult, label string) {
	_, _ = fmt.Fprintf(w, "\nrequests per operation of one resource (%s; create and update include their plan):\n", label)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	_, _ = fmt.Fprintln(tw, "resource\tcreate\trefresh\tupdate\tdelete\t")
	for _, r := range results {
		cells := []string{r.typ}
		for _, ph := range resourcePhases {
			if c, ok := r.counts[ph.name]; ok {
				cells = append(cells, fmt.Sprint(c.Total))
			} else {
				cells = append(cells, "-")
			}
		}
		_, _ = fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	_ = tw.Flush()
}

// reportResourceRoutes prints each phase's requests by route.
func reportResourceRoutes(w io.Writer, results []resourceResult) {
	for _, r := range results {
		for _, ph := range r.phases {
			_, _ = fmt.Fprintf(w, "\n%s %s:\n", r.typ, ph)
			printRoutes(w, r.counts[ph])
		}
	}
}

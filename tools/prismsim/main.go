// Command prismsim runs the Prism Central emulator as a standalone server: one HTTPS
// listener per emulated Prism Central on 127.0.0.1, each with its own self-signed
// certificate and credentials, sharing one simulated clock.
//
// Usage:
//
//	prismsim [-preset leap-two-sites | -config world.yaml] [-state-dir DIR]
//	         [-listen-port N] [-task-latency 200ms] [-clock-rate 1] [-print-config] [-version]
//
// It writes DIR/env.json and DIR/<pc>-ca.pem, prints env.json on stdout, and serves until
// SIGINT or SIGTERM. env.json is
//
//	{"pcs": {"canada": {"endpoint": "127.0.0.1", "port": 9440, "username": "admin",
//	  "password": "...", "ca_file": "DIR/canada-ca.pem", "advertised_ip": "192.168.10.10"}}}
//
// -listen-port N gives the first PC port N and the next ones N+1, N+2...; 0 (the default)
// keeps the ports of the configuration, where 0 or none means a free port.
//
// # Configuration file
//
// -config reads JSON (.json) or YAML (.yaml, .yml) with the same snake_case fields; unknown
// fields are refused. -print-config prints the effective configuration (for example a
// preset's) as YAML, a good start for a file of your own:
//
//	settings:
//	  task_latency: 200ms      # real time a task stays QUEUED/RUNNING (default 200ms)
//	  replication_delay: 30s   # simulated time a replication takes (default 30s)
//	  clock_rate: 1            # simulated seconds per real second (default 1)
//	pcs:
//	  - name: canada                 # required; names the PC in env.json and the admin API
//	    advertised_ip: 192.168.10.10 # required; peers name it PC_<ip>
//	    region: ""                   # optional
//	    username: admin              # default admin
//	    password: ""                 # default: 20 random characters
//	    port: 0                      # default: a free port
//	    dr_enabled: false            # true: start with disaster recovery enabled (Local AZ)
//	    clusters:
//	      - name: CA01
//	        uuid: ""                 # optional, generated when empty
//	        external_ip: ""          # optional
//	    subnets:                     # names are unique per cluster, not per PC
//	      - name: vlan50-prod
//	        cluster: CA01            # optional when the PC has one cluster
//	        vlan_id: 50
//	        cidr: 192.168.50.0/24
//	        gateway: 192.168.50.1
//	        dhcp_pool: ["192.168.50.100-192.168.50.200"]
//	    categories:                  # user-defined keys; Environment, AppType, AppTier and
//	      - name: replicated-vm      # Quarantine are always there (system-defined)
//	        description: DR scope
//	        values: [from-canada]
//	    vms:                         # names need not be unique
//	      - name: app-01
//	        cluster: CA01            # optional when the PC has one cluster
//	        subnet: vlan50-prod      # optional: no NIC without it
//	        ip: 192.168.50.10        # static address inside the subnet
//	        power_state: "ON"        # ON (default) or OFF
//	        vcpus: 2                 # default 2
//	        memory_mib: 4096         # default 4096
//	        categories: {replicated-vm: from-canada}
//	    ssh:                         # optional: the PC VM's SSH server (clustermgmt-cli mst)
//	      enabled: true
//	      port: 0                    # default: a free port
//	      user: nutanix              # default nutanix
//	      password: ""               # default: 20 random characters
//	      authorized_keys: []        # public keys in authorized_keys format
//
// Clusters may also give nodes, vcpu_capacity and memory_capacity_mib (their size).
// env.json has an "ssh" object ({"host", "port", "user", "password", "host_key"}) for
// each PC with an SSH server; host_key is in authorized_keys format, for pinning.
//
// The admin API (same listener, same credentials) is described in README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "prismsim:", err)
		}
		stop()
		os.Exit(2)
	}
}

// run starts the world described by args and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prismsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "leap-two-sites", "preset world: "+strings.Join(prismsim.PresetNames(), ", "))
	configFile := fs.String("config", "", "world configuration file (.json, .yaml, .yml); overrides -preset")
	stateDir := fs.String("state-dir", "", "where to write env.json and the CA files (default: a new temporary directory, removed at exit)")
	listenPort := fs.Int("listen-port", 0, "port of the first PC, the others get the next ports; 0 keeps the configured ports (0 there = a free port)")
	taskLatency := fs.Duration("task-latency", 0, "real time a task takes (overrides the configuration)")
	clockRate := fs.Float64("clock-rate", 0, "simulated seconds per real second (overrides the configuration)")
	printConfig := fs.Bool("print-config", false, "print the effective configuration as YAML and exit")
	printVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *printVersion {
		_, err := fmt.Fprintln(stdout, "prismsim", versionString())
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var cfg prismsim.WorldConfig
	var err error
	if *configFile != "" {
		if set["preset"] {
			return errors.New("give -preset or -config, not both")
		}
		cfg, err = prismsim.LoadConfig(*configFile)
	} else {
		cfg, err = prismsim.Preset(*preset)
	}
	if err != nil {
		return err
	}
	if *listenPort < 0 || *listenPort+len(cfg.PCs) > 65536 {
		return fmt.Errorf("-listen-port %d is out of range", *listenPort)
	}
	if *listenPort > 0 {
		for i := range cfg.PCs {
			cfg.PCs[i].Port = *listenPort + i
		}
	}
	if set["task-latency"] {
		if *taskLatency <= 0 {
			return errors.New("-task-latency must be positive")
		}
		cfg.Settings.TaskLatency = prismsim.Duration(*taskLatency)
	}
	if set["clock-rate"] {
		if *clockRate <= 0 {
			return errors.New("-clock-rate must be positive")
		}
		cfg.Settings.ClockRate = *clockRate
	}
	if *printConfig {
		enc := yaml.NewEncoder(stdout)
		enc.SetIndent(2)
		if err := enc.Encode(cfg); err != nil {
			return fmt.Errorf("printing configuration: %w", err)
		}
		return enc.Close()
	}

	world, err := prismsim.NewWorld(cfg)
	if err != nil {
		return err
	}
	dir := *stateDir
	if dir == "" {
		dir, err = os.MkdirTemp("", "prismsim-")
		if err != nil {
			return fmt.Errorf("creating state dir: %w", err)
		}
		defer func() { _ = os.RemoveAll(dir) }()
	}
	if err := world.Start(); err != nil {
		return err
	}
	env, err := world.WriteState(dir)
	if err != nil {
		_ = world.Close()
		return err
	}
	data, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		_ = world.Close()
		return fmt.Errorf("encoding env.json: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", data); err != nil {
		_ = world.Close()
		return fmt.Errorf("printing env.json: %w", err)
	}
	logf := func(format string, args ...any) { _, _ = fmt.Fprintf(stderr, "prismsim: "+format+"\n", args...) }
	for _, pc := range world.PCs() {
		logf("%s (advertised %s) listening on %s", pc.Name(), pc.AdvertisedIP(), pc.URL())
		if s, ok := pc.SSH(); ok {
			logf("%s ssh server on %s:%d (user %s, host key %s)", pc.Name(), s.Host, s.Port, s.User, s.HostKey)
		}
	}
	logf("state in %s; task latency %s, clock rate %g; stop with Ctrl-C",
		dir, world.Settings().TaskLatency, world.Settings().ClockRate)

	<-ctx.Done()
	logf("shutting down")
	closed := make(chan error, 1)
	go func() { closed <- world.Close() }()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case err := <-closed:
		return err
	case <-timer.C:
		return errors.New("shutdown did not finish within 10s")
	}
}

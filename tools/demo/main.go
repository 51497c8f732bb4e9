// Command demo runs a scenario of examples/scenarios against an in-process prismsim world
// with OpenTofu: it starts the world, applies the scenario's configuration step by step,
// shows the result, then destroys everything and stops the world.
//
// Usage (from the repository root; make demo builds what it needs first):
//
//	go run ./tools/demo [-scenario leap-two-sites] [-tofu bin/tofu] [-provider-dir bin]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/scenario"
)

func main() {
	var (
		name        = flag.String("scenario", "leap-two-sites", "scenario to run ("+strings.Join(scenario.Names(), ", ")+")")
		tofu        = flag.String("tofu", "bin/tofu", "OpenTofu executable")
		providerDir = flag.String("provider-dir", "bin", "directory holding the terraform-provider-nutanixdr executable")
		examples    = flag.String("examples", "examples/scenarios", "directory holding the scenarios' configurations")
		keep        = flag.Bool("keep", false, "keep the scenario's directory (state, configuration, env.json) afterwards")
		list        = flag.Bool("list", false, "list the scenarios and exit")
	)
	flag.Parse()

	if *list {
		for _, s := range scenario.All() {
			fmt.Printf("%-26s %s\n", s.Name, s.Summary)
		}
		return
	}

	s, err := scenario.Get(*name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err = scenario.Execute(ctx, scenario.Config{
		Tofu:        *tofu,
		ProviderDir: *providerDir,
		ExamplesDir: *examples,
		Out:         os.Stdout,
		Color:       isTerminal(os.Stdout),
		Keep:        *keep,
	}, s)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "demo: interrupted")
		}
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	fmt.Printf("\nScenario %s passed.\n", s.Name)
}

// isTerminal tells whether f is a character device (a terminal), to decide on colors.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

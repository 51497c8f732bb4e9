// Package scenario runs the topologies of examples/scenarios against a prismsim world with
// OpenTofu, step by step, the way a user would: start the emulator, apply the configuration,
// look at the result, move the simulated clock, take a site down, fail over, and finally
// destroy everything and stop the world. tools/demo and the scenario tests share this runner,
// so what the demo shows is what the tests check.
//
// A scenario is data: a prismsim preset, the directory of its configuration, and a list of
// steps. Later features add steps (a failover, a reversal) without changing the runner.
package scenario

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Scenario is one topology of examples/scenarios and what to do with it.
type Scenario struct {
	// Name is the scenario's name and the name of its directory under examples/scenarios.
	Name string
	// Summary says in one line what the scenario shows.
	Summary string
	// Preset is the prismsim preset the world is built from.
	Preset string
	// Steps run in order after the world has started.
	Steps []Step
	// AfterDestroy runs after `tofu destroy`, while the world is still up, to check that
	// nothing was left behind.
	AfterDestroy []Step
}

// Step is one action of a scenario.
type Step interface {
	// Title says what the step does, as the demo prints it.
	Title() string
	// Do runs the step against a running scenario.
	Do(ctx context.Context, r *Run) error
}

// All returns every scenario, in the order the demo lists them.
func All() []*Scenario {
	return []*Scenario{
		leapTwoSites(),
		nc2CrossRegionNoNAT(),
		nc2PilotLight(),
	}
}

// Names returns the names of all scenarios, sorted.
func Names() []string {
	var names []string
	for _, s := range All() {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return names
}

// Get returns the scenario with the given name.
func Get(name string) (*Scenario, error) {
	for _, s := range All() {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown scenario %q: choose one of %s", name, strings.Join(Names(), ", "))
}

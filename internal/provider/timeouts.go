package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// timeoutsAttribute returns the `timeouts` nested attribute of a resource whose operations
// wait for Prism Central tasks, with a description for the documentation.
func timeoutsAttribute(ctx context.Context, opts timeouts.Opts) schema.Attribute {
	a := timeouts.Attributes(ctx, opts)
	nested, ok := a.(schema.SingleNestedAttribute)
	if !ok {
		return a
	}
	nested.MarkdownDescription = "Time limits of the operations, as Go duration strings (`\"30s\"`, `\"10m\"`)."
	return nested
}

// durationText formats a default time limit as users write it: "10m" rather than "10m0s".
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// defaultTaskTimeout bounds a create, update or delete that waits for one Prism Central task,
// when the timeouts attribute leaves it unset.
const defaultTaskTimeout = 10 * time.Minute

// taskTimeoutsAttribute is the timeouts attribute of a resource whose create, update and delete
// each wait for a Prism Central task on the named entity ("protection rule", "subnet"), each
// defaulting to defaultTaskTimeout.
func taskTimeoutsAttribute(ctx context.Context, noun string) schema.Attribute {
	describe := func(verb string) string {
		return "How long to wait for the task that " + verb + " the " + noun + ". Defaults to `\"" + durationText(defaultTaskTimeout) + "\"`."
	}
	return timeoutsAttribute(ctx, timeouts.Opts{
		Create: true, Update: true, Delete: true,
		CreateDescription: describe("creates"),
		UpdateDescription: describe("updates"),
		DeleteDescription: describe("deletes"),
	})
}

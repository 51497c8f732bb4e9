package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// This file holds the look-up by name that the data sources share.

// maxListedNames bounds how many names or ids an error message lists.
const maxListedNames = 20

// named describes how to look an entity of one kind up by name.
type named[T any] struct {
	kind string // "cluster", for messages
	// list returns the entities matching a FIQL filter ("" = all).
	list func(ctx context.Context, filter string) ([]T, error)
	// filterAttr is the FIQL attribute of the name ("name", "vm_name"); "" to always list all.
	filterAttr string
	nameOf     func(T) string
	idOf       func(T) string
	// keep excludes entities the data source must never return (nil keeps all).
	keep func(T) bool
	// narrowHint is appended to the several-match error, saying how to narrow the search.
	narrowHint string
	// matchArgs names the arguments behind the match function of lookup, for messages.
	matchArgs string
	// allowMissing makes lookup report no match by returning false with no diagnostic.
	allowMissing bool
}

// lookup returns the one entity whose name is exactly name. The filter only narrows what the
// API returns (Prism Central matches names loosely); the exact comparison is made here. With no
// match, the error lists the names that exist; with several, their ids.
func (n named[T]) lookup(ctx context.Context, name string, match func(T) bool, diags *diag.Diagnostics) (T, bool) {
	var zero T
	filter := ""
	if n.filterAttr != "" && fiqlSafe(name) {
		filter = n.filterAttr + "==" + name
	}
	items, err := n.list(ctx, filter)
	if err != nil {
		addClientError(diags, opLookup, n.kind, name, err)
		return zero, false
	}
	var byName, matches []T
	for _, it := range items {
		if n.nameOf(it) == name && n.kept(it) {
			byName = append(byName, it)
			if match == nil || match(it) {
				matches = append(matches, it)
			}
		}
	}
	switch {
	case len(matches) == 1:
		return matches[0], true
	case len(matches) == 0 && n.allowMissing:
		return zero, false
	case len(matches) == 0 && len(byName) > 0:
		diags.AddAttributeError(path.Root("name"), errorSummary(opLookup, n.kind),
			fmt.Sprintf("No %s named %q matches the other arguments (%s). The %ss of that name have ids %s.",
				n.kind, name, n.matchArgs, n.kind, listNames(n.ids(byName))))
	case len(matches) == 0:
		all := items
		if filter != "" {
			if all, err = n.list(ctx, ""); err != nil {
				addClientError(diags, opLookup, n.kind, name, err)
				return zero, false
			}
		}
		var names []string
		for _, it := range all {
			if n.kept(it) {
				names = append(names, n.nameOf(it))
			}
		}
		diags.AddAttributeError(path.Root("name"), errorSummary(opLookup, n.kind),
			fmt.Sprintf("No %s named %q on this Prism Central. The %ss it has: %s.", n.kind, name, n.kind, listNames(names)))
	default:
		diags.AddAttributeError(path.Root("name"), errorSummary(opLookup, n.kind),
			fmt.Sprintf("%d %ss are named %q on this Prism Central (ids %s); a data source needs exactly one. %s",
				len(matches), n.kind, name, listNames(n.ids(matches)), n.narrowHint))
	}
	return zero, false
}

// ids returns the ids of items.
func (n named[T]) ids(items []T) []string {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, n.idOf(it))
	}
	return ids
}

// kept tells whether the data source may return it.
func (n named[T]) kept(it T) bool { return n.keep == nil || n.keep(it) }

// fiqlPlain matches names that can go into a FIQL equality filter as they are. Prism Central
// reads the argument of "==" as a regular expression too, so anything that could be FIQL syntax
// or an invalid expression makes the look-up list everything instead.
var fiqlPlain = regexp.MustCompile(`^[A-Za-z0-9 _.:@-]+$`)

// fiqlSafe tells whether name can be used in a FIQL equality filter without escaping.
func fiqlSafe(name string) bool {
	return fiqlPlain.MatchString(name)
}

// listNames formats names sorted, deduplicated and bounded, or says there are none.
func listNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	uniq := slices.Clone(names)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	quoted := make([]string, 0, len(uniq))
	for i, s := range uniq {
		if i == maxListedNames {
			quoted = append(quoted, fmt.Sprintf("and %d more", len(uniq)-maxListedNames))
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", s))
	}
	return strings.Join(quoted, ", ")
}

// Package tools holds the go:generate directives of the repository's generated files
// (go generate ./tools, from the repository root; make docs and make fmt do the same). The tools
// themselves are pinned: tfplugindocs in go.mod as a tool, OpenTofu in tools/tofu/go.mod.
package tools

// Documentation: docs/ from the provider schema (asked directly from the provider, actions
// included), examples/ and templates/. Run from the repository root: go generate ./tools.
//go:generate mkdir -p ../bin
//go:generate go run ./schemadump -o ../bin/providers-schema.json
//go:generate go tool tfplugindocs generate --provider-dir .. --provider-name nutanixdr --rendered-provider-name nutanixdr --providers-schema ../bin/providers-schema.json

// Formatting of the HCL examples with the pinned OpenTofu (make tofu builds it).
//go:generate ../bin/tofu fmt -recursive ../examples/

// Command schemadump prints the provider's schemas in the JSON shape of
// `terraform providers schema -json`, asked directly from the provider's
// protocol server, so that documentation can be generated without a Terraform
// or OpenTofu binary. Unlike `tofu providers schema -json`, the output also
// holds action schemas.
//
// Usage:
//
//	go run ./tools/schemadump [-o FILE]
//
// The schema is keyed by the provider's short name ("nutanixdr"), which is
// the first key tfplugindocs looks up when given --providers-schema.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/provider"
)

// shortName is the key under which the schema is written.
const shortName = "nutanixdr"

func main() {
	out := flag.String("o", "", "write the JSON to this file instead of standard output")
	flag.Parse()

	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "schemadump:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	server := providerserver.NewProtocol6(provider.New("docs")())()
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return fmt.Errorf("asking the provider for its schema: %w", err)
	}
	if err := diagnosticsError(resp.Diagnostics); err != nil {
		return err
	}

	ps, err := convertProvider(resp)
	if err != nil {
		return err
	}
	doc := tfjson.ProviderSchemas{
		FormatVersion: "1.0",
		Schemas:       map[string]*tfjson.ProviderSchema{shortName: ps},
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the schema: %w", err)
	}
	data = append(data, '\n')

	if out == "" {
		_, err = os.Stdout.Write(data)
		if err != nil {
			return fmt.Errorf("writing the schema: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return fmt.Errorf("writing the schema: %w", err)
	}
	return nil
}

// diagnosticsError joins the error diagnostics of a protocol response.
func diagnosticsError(diags []*tfprotov6.Diagnostic) error {
	var msgs []string
	for _, d := range diags {
		if d == nil || d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		msgs = append(msgs, strings.TrimSpace(d.Summary+": "+d.Detail))
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New("the provider reported: " + strings.Join(msgs, "; "))
}

func convertProvider(resp *tfprotov6.GetProviderSchemaResponse) (*tfjson.ProviderSchema, error) {
	var err error
	ps := &tfjson.ProviderSchema{}
	if ps.ConfigSchema, err = convertSchema(resp.Provider); err != nil {
		return nil, fmt.Errorf("provider configuration: %w", err)
	}
	if ps.ResourceSchemas, err = convertSchemas(resp.ResourceSchemas); err != nil {
		return nil, err
	}
	if ps.DataSourceSchemas, err = convertSchemas(resp.DataSourceSchemas); err != nil {
		return nil, err
	}
	if ps.EphemeralResourceSchemas, err = convertSchemas(resp.EphemeralResourceSchemas); err != nil {
		return nil, err
	}
	if ps.ListResourceSchemas, err = convertSchemas(resp.ListResourceSchemas); err != nil {
		return nil, err
	}
	if len(resp.ActionSchemas) > 0 {
		ps.ActionSchemas = make(map[string]*tfjson.ActionSchema, len(resp.ActionSchemas))
		for _, name := range sortedKeys(resp.ActionSchemas) {
			a := resp.ActionSchemas[name]
			if a == nil || a.Schema == nil {
				continue
			}
			block, err := convertBlock(a.Schema.Block)
			if err != nil {
				return nil, fmt.Errorf("action %s: %w", name, err)
			}
			ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: block}
		}
	}
	return ps, nil
}

func convertSchemas(in map[string]*tfprotov6.Schema) (map[string]*tfjson.Schema, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]*tfjson.Schema, len(in))
	for _, name := range sortedKeys(in) {
		s, err := convertSchema(in[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
}

func convertSchema(in *tfprotov6.Schema) (*tfjson.Schema, error) {
	if in == nil {
		return nil, nil
	}
	if in.Version < 0 {
		return nil, fmt.Errorf("negative schema version %d", in.Version)
	}
	block, err := convertBlock(in.Block)
	if err != nil {
		return nil, err
	}
	return &tfjson.Schema{Version: uint64(in.Version), Block: block}, nil
}

func convertBlock(in *tfprotov6.SchemaBlock) (*tfjson.SchemaBlock, error) {
	if in == nil {
		return &tfjson.SchemaBlock{}, nil
	}
	out := &tfjson.SchemaBlock{
		Description:     in.Description,
		DescriptionKind: descriptionKind(in.DescriptionKind),
		Deprecated:      in.Deprecated,
	}
	attrs, err := convertAttributes(in.Attributes)
	if err != nil {
		return nil, err
	}
	out.Attributes = attrs
	if len(in.BlockTypes) > 0 {
		out.NestedBlocks = make(map[string]*tfjson.SchemaBlockType, len(in.BlockTypes))
		for _, b := range in.BlockTypes {
			nested, err := convertBlock(b.Block)
			if err != nil {
				return nil, fmt.Errorf("block %s: %w", b.TypeName, err)
			}
			mode, err := blockNesting(b.Nesting)
			if err != nil {
				return nil, fmt.Errorf("block %s: %w", b.TypeName, err)
			}
			out.NestedBlocks[b.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: mode,
				Block:       nested,
				MinItems:    nonNegative(b.MinItems),
				MaxItems:    nonNegative(b.MaxItems),
			}
		}
	}
	return out, nil
}

func convertAttributes(in []*tfprotov6.SchemaAttribute) (map[string]*tfjson.SchemaAttribute, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]*tfjson.SchemaAttribute, len(in))
	for _, a := range in {
		attr := &tfjson.SchemaAttribute{
			Description:     a.Description,
			DescriptionKind: descriptionKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		switch {
		case a.NestedType != nil:
			nested, err := convertAttributes(a.NestedType.Attributes)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			mode, err := objectNesting(a.NestedType.Nesting)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			attr.AttributeNestedType = &tfjson.SchemaNestedAttributeType{
				Attributes:  nested,
				NestingMode: mode,
			}
		case a.Type != nil:
			ty, err := ctyType(a.Type)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			attr.AttributeType = ty
		default:
			return nil, fmt.Errorf("attribute %s has neither a type nor a nested type", a.Name)
		}
		out[a.Name] = attr
	}
	return out, nil
}

// ctyType converts a protocol type to the cty type Terraform's JSON schema output names.
func ctyType(t tftypes.Type) (cty.Type, error) {
	switch tt := t.(type) {
	case tftypes.List:
		el, err := ctyType(tt.ElementType)
		return cty.List(el), err
	case tftypes.Set:
		el, err := ctyType(tt.ElementType)
		return cty.Set(el), err
	case tftypes.Map:
		el, err := ctyType(tt.ElementType)
		return cty.Map(el), err
	case tftypes.Tuple:
		elems := make([]cty.Type, 0, len(tt.ElementTypes))
		for _, e := range tt.ElementTypes {
			el, err := ctyType(e)
			if err != nil {
				return cty.NilType, err
			}
			elems = append(elems, el)
		}
		return cty.Tuple(elems), nil
	case tftypes.Object:
		attrs := make(map[string]cty.Type, len(tt.AttributeTypes))
		for name, at := range tt.AttributeTypes {
			el, err := ctyType(at)
			if err != nil {
				return cty.NilType, err
			}
			attrs[name] = el
		}
		if len(tt.OptionalAttributes) == 0 {
			return cty.Object(attrs), nil
		}
		optional := make([]string, 0, len(tt.OptionalAttributes))
		for name := range tt.OptionalAttributes {
			optional = append(optional, name)
		}
		sort.Strings(optional)
		return cty.ObjectWithOptionalAttrs(attrs, optional), nil
	}
	switch {
	case t.Equal(tftypes.String):
		return cty.String, nil
	case t.Equal(tftypes.Number):
		return cty.Number, nil
	case t.Equal(tftypes.Bool):
		return cty.Bool, nil
	case t.Equal(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType, nil
	default:
		return cty.NilType, fmt.Errorf("unsupported type %s", t)
	}
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

func blockNesting(m tfprotov6.SchemaNestedBlockNestingMode) (tfjson.SchemaNestingMode, error) {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return tfjson.SchemaNestingModeSingle, nil
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return tfjson.SchemaNestingModeGroup, nil
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return tfjson.SchemaNestingModeList, nil
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return tfjson.SchemaNestingModeSet, nil
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return tfjson.SchemaNestingModeMap, nil
	default:
		return "", fmt.Errorf("unknown block nesting mode %d", m)
	}
}

func objectNesting(m tfprotov6.SchemaObjectNestingMode) (tfjson.SchemaNestingMode, error) {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return tfjson.SchemaNestingModeSingle, nil
	case tfprotov6.SchemaObjectNestingModeList:
		return tfjson.SchemaNestingModeList, nil
	case tfprotov6.SchemaObjectNestingModeSet:
		return tfjson.SchemaNestingModeSet, nil
	case tfprotov6.SchemaObjectNestingModeMap:
		return tfjson.SchemaNestingModeMap, nil
	default:
		return "", fmt.Errorf("unknown attribute nesting mode %d", m)
	}
}

func nonNegative(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

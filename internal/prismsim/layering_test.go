package prismsim

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// wireFuncPrefixes name the functions of the wires: the v3 handlers (handle...), the admin
// handlers (admin...) and the v3 refusals (refuse...).
var wireFuncPrefixes = []string{"handle", "admin", "refuse"}

// wirePackages are the wire packages whose every function is a wire function.
var wirePackages = []string{"v3", "v4", "admin"}

// The wires decode, call the model and render: they never take a PC's or the world's
// mutex, which the model owns (issue 17). Rendering that must see the model as it is runs
// in a view function the model calls under its mutex. In this package the wire functions
// are the ones named so (wireFuncPrefixes); in the wire packages, every function.
func TestWiresTakeNoMutex(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	wireFile := map[string]bool{}
	for _, dir := range wirePackages {
		more, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(more) == 0 {
			t.Fatalf("%s: no files (%v)", dir, err)
		}
		for _, name := range more {
			wireFile[name] = true
		}
		files = append(files, more...)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || (!wireFile[name] && !hasAnyPrefix(fn.Name.Name, wireFuncPrefixes)) {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "Lock" && sel.Sel.Name != "Unlock") {
					return true
				}
				if mu, ok := sel.X.(*ast.SelectorExpr); ok && strings.HasSuffix(strings.ToLower(mu.Sel.Name), "mu") {
					t.Errorf("%s: wire function %s takes a mutex (%s.%s): move that work into a model operation",
						fset.Position(call.Pos()), fn.Name.Name, mu.Sel.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// The model package imports no wire and no HTTP; the wire packages do not import
// prismsim (it assembles them, not the other way round).
func TestPackagesPointToTheModel(t *testing.T) {
	forbidden := map[string][]string{
		"model":   {"net/http", modulePath + "/internal/prismsim"},
		"v3":      {modulePath + "/internal/prismsim"},
		"v4":      {modulePath + "/internal/prismsim"},
		"ssh":     {modulePath + "/internal/prismsim", "net/http"},
		"admin":   {modulePath + "/internal/prismsim"},
		"routing": {modulePath + "/internal/prismsim", modulePath + "/internal/prismsim/model"},
	}
	for dir, banned := range forbidden {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files (%v)", dir, err)
		}
		for _, name := range files {
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				for _, b := range banned {
					if path == b {
						t.Errorf("%s imports %s", name, path)
					}
				}
			}
		}
	}
}

const modulePath = "github.com/nutanixdr/terraform-provider-nutanixdr"

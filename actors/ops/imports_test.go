package ops

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// module is the engine's module path; its packages live under the module root, two levels up from here.
const module = "github.com/aezen/engine"

// forbidden are the packages the operation catalogue must not reach, directly or through another package:
// the catalogue is the contract between the entry points and the tenant core, and what it shows clients
// are its own view types, never storage rows (persistence) or platform types (sessions).
var forbidden = []string{"persistence", "sessions", "actors/channels", "actors/tenant", "actors/queries",
	"actors/node", "httpapi", "engine", "accounts"}

// TestOpsImportsNoPersistence follows the imports of this package's files (tests included) through the
// engine's own packages and fails on any forbidden one, saying by which path it is reached.
func TestOpsImportsNoPersistence(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	type visit struct{ pkg, via string }
	seen := map[string]bool{}
	queue := []visit{{pkg: "actors/ops", via: "actors/ops"}}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if seen[v.pkg] {
			continue
		}
		seen[v.pkg] = true
		for _, bad := range forbidden {
			if v.pkg == bad || strings.HasPrefix(v.pkg, bad+"/") {
				t.Errorf("actors/ops reaches %s (%s): define a view type in actors/ops and convert in the tenant core", v.pkg, v.via)
			}
		}
		imports, err := importsOf(filepath.Join(root, filepath.FromSlash(v.pkg)), v.pkg == "actors/ops")
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range imports {
			if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
				queue = append(queue, visit{pkg: rest, via: v.via + " → " + rest})
			}
		}
	}
	if len(seen) < 2 {
		t.Fatalf("followed only %v: the walk is broken", seen)
	}
}

// importsOf lists the import paths of a directory's Go files (test files only when tests is set).
func importsOf(dir string, tests bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || (!tests && strings.HasSuffix(name, "_test.go")) {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, p)
		}
	}
	return out, nil
}

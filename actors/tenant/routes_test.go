package tenant

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// TestEveryOperationIsRouted reads every ops.Declare in package ops and checks that the routing table has
// a row for it: an op declared without a row would answer "unknown operation" at run time.
func TestEveryOperationIsRouted(t *testing.T) {
	files, err := filepath.Glob("../ops/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no ops sources: %v", err)
	}
	declared := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			idx, ok := call.Fun.(*ast.IndexListExpr)
			if !ok {
				return true
			}
			if id, ok := idx.X.(*ast.Ident); !ok || id.Name != "Declare" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: Declare with a name that is not a literal", fset.Position(call.Pos()))
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			if declared[name] {
				t.Errorf("operation %q declared twice", name)
			}
			declared[name] = true
			return true
		})
	}
	if len(declared) < 40 {
		t.Fatalf("found only %d declarations; is the parser looking at the right files?", len(declared))
	}
	for name := range declared {
		if _, ok := routes[name]; !ok {
			t.Errorf("operation %q is declared in package ops but has no row in the routing table", name)
		}
	}
	for name := range routes {
		if !declared[name] {
			t.Errorf("routing table has a row for %q, which package ops does not declare", name)
		}
	}
}

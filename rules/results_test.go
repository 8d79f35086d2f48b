package rules_test

import (
	"go/ast"
	"sort"
	"strings"
	"testing"
)

// TestResultsDeclared checks, from the source, what go/analysis checks of
// Requires: every rule lists in Requires the file results (the variables
// made by analysis.NewResult) it reads through the functions it calls, and
// every result lists those its computation reads; no list names one that is
// not read. A result read and not declared fails here, whichever statement
// would reach it.
func TestResultsDeclared(t *testing.T) {
	pkg := loadDecls(t)
	if len(pkg.results) < 5 {
		t.Fatalf("found only %d results", len(pkg.results))
	}
	for _, name := range sortedKeys(pkg.results) {
		call := pkg.results[name]
		pkg.check(t, "result "+name, idents(call.Args[2:]), call.Args[1])
	}
	for _, name := range sortedKeys(pkg.rules) {
		lit := pkg.rules[name]
		var declared []string
		var rest []ast.Node
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Requires" {
				if c, ok := kv.Value.(*ast.CompositeLit); ok {
					declared = idents(c.Elts)
				}
				continue
			}
			rest = append(rest, kv.Value)
		}
		pkg.check(t, "rule "+name, declared, rest...)
	}
}

// pkgDecls is what the check needs of package rules' top-level names.
type pkgDecls struct {
	nodes   map[string][]ast.Node        // function, variable or type -> its declarations (a type's methods included)
	results map[string]*ast.CallExpr     // result variable -> its analysis.NewResult call
	rules   map[string]*ast.CompositeLit // rule variable -> its analysis.Rule literal
}

func loadDecls(t *testing.T) *pkgDecls {
	pkg := &pkgDecls{nodes: map[string][]ast.Node{}, results: map[string]*ast.CallExpr{}, rules: map[string]*ast.CompositeLit{}}
	for _, f := range parseRules(t) {
		for _, d := range f.ast.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil {
					name = recvType(d.Recv.List[0].Type)
				}
				pkg.nodes[name] = append(pkg.nodes[name], d)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						pkg.nodes[s.Name.Name] = append(pkg.nodes[s.Name.Name], s)
					case *ast.ValueSpec:
						for i, n := range s.Names {
							if i >= len(s.Values) {
								continue
							}
							pkg.nodes[n.Name] = append(pkg.nodes[n.Name], s.Values[i])
							if call, ok := s.Values[i].(*ast.CallExpr); ok && isNewResult(call) && len(call.Args) >= 2 {
								pkg.results[n.Name] = call
							} else if lit := ruleLiteral(s.Values[i]); lit != nil {
								pkg.rules[n.Name] = lit
							}
						}
					}
				}
			}
		}
	}
	return pkg
}

// check compares the results reachable from roots with declared.
func (pkg *pkgDecls) check(t *testing.T, who string, declared []string, roots ...ast.Node) {
	t.Helper()
	read := pkg.reads(roots)
	for _, r := range sortedKeys(read) {
		if !contains(declared, r) {
			t.Errorf("%s reads %s (through %s) but does not list it in Requires", who, r, read[r])
		}
	}
	for _, d := range declared {
		if _, ok := read[d]; !ok {
			t.Errorf("%s lists %s in Requires but never reads it", who, d)
		}
	}
}

// reads returns the results reachable from roots through the package's
// functions, variables and types, each with the path that reaches it. It
// stops at results (they declare their own) and at other rules.
func (pkg *pkgDecls) reads(roots []ast.Node) map[string]string {
	out := map[string]string{}
	seen := map[string]bool{}
	var visit func(n ast.Node, path string)
	visit = func(n ast.Node, path string) {
		ast.Inspect(n, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				ast.Inspect(sel.X, func(n ast.Node) bool { return visitIdent(n, path, pkg, out, seen, visit) })
				return false
			}
			return visitIdent(n, path, pkg, out, seen, visit)
		})
	}
	for _, r := range roots {
		visit(r, "")
	}
	return out
}

func visitIdent(n ast.Node, path string, pkg *pkgDecls, out map[string]string, seen map[string]bool, visit func(ast.Node, string)) bool {
	id, ok := n.(*ast.Ident)
	if !ok {
		return true
	}
	name := id.Name
	switch {
	case pkg.results[name] != nil:
		if _, ok := out[name]; !ok {
			out[name] = strings.TrimPrefix(path, " → ")
			if out[name] == "" {
				out[name] = "its own code"
			}
		}
	case pkg.rules[name] != nil, seen[name], pkg.nodes[name] == nil:
	default:
		seen[name] = true
		for _, d := range pkg.nodes[name] {
			visit(d, path+" → "+name)
		}
	}
	return true
}

func isNewResult(call *ast.CallExpr) bool {
	fun := call.Fun
	if ix, ok := fun.(*ast.IndexExpr); ok { // analysis.NewResult[T]
		fun = ix.X
	}
	sel, ok := fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "NewResult"
}

func ruleLiteral(e ast.Expr) *ast.CompositeLit {
	call, ok := e.(*ast.CallExpr)
	if !ok || !registers(call) || len(call.Args) != 1 {
		return nil
	}
	if u, ok := call.Args[0].(*ast.UnaryExpr); ok {
		lit, _ := u.X.(*ast.CompositeLit)
		return lit
	}
	return nil
}

func recvType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvType(e.X)
	case *ast.IndexExpr:
		return recvType(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

func idents(es []ast.Expr) []string {
	var out []string
	for _, e := range es {
		if id, ok := e.(*ast.Ident); ok {
			out = append(out, id.Name)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

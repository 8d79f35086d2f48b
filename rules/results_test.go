package rules_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
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
	pkg := loadDecls(parseRules(t))
	if len(pkg.results) < 5 || len(pkg.rules) < 50 {
		t.Fatalf("found only %d results and %d rules", len(pkg.results), len(pkg.rules))
	}
	for _, p := range pkg.problems() {
		t.Error(p)
	}
}

// TestResultsDeclaredFails shows the check failing on a rule and a result
// that read results they do not list, and on a list naming one not read.
func TestResultsDeclaredFails(t *testing.T) {
	const src = `package rules
var aResult = analysis.NewResult("a", func(p *analysis.Pass) int { return 1 })
var bResult = analysis.NewResult("b", func(p *analysis.Pass) int { return aResult.Of(p) })
func helper(p *analysis.Pass) int { return aResult.Of(p) }
var R = register(&analysis.Rule{ID: "r", Run: func(p *analysis.Pass) { helper(p) }})
var S = register(&analysis.Rule{ID: "s", Requires: []analysis.Result{aResult, bResult}, Run: func(p *analysis.Pass) { helper(p) }})
var T = register(&analysis.Rule{ID: "t", Requires: []analysis.Result{bResult}, Run: func(p *analysis.Pass) { bResult.Of(p) }})
`
	af, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(loadDecls(map[string]*ruleFile{"x.go": declarations(af)}).problems(), "\n")
	want := strings.Join([]string{
		"result bResult reads aResult (through its own code) but does not list it in Requires",
		"rule R reads aResult (through helper) but does not list it in Requires",
		"rule S lists bResult in Requires but never reads it",
	}, "\n")
	if got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}

// problems lists what the rules and results read without declaring it, and
// what they declare without reading it.
func (pkg *pkgDecls) problems() []string {
	var out []string
	for _, name := range sortedKeys(pkg.results) {
		call := pkg.results[name]
		out = append(out, pkg.check("result "+name, idents(call.Args[2:]), call.Args[1])...)
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
		out = append(out, pkg.check("rule "+name, declared, rest...)...)
	}
	return out
}

// pkgDecls is what the check needs of package rules' top-level names.
type pkgDecls struct {
	nodes   map[string][]ast.Node        // function, variable or type -> its declarations (a type's methods included)
	results map[string]*ast.CallExpr     // result variable -> its analysis.NewResult call
	rules   map[string]*ast.CompositeLit // rule variable -> its analysis.Rule literal
}

func loadDecls(files map[string]*ruleFile) *pkgDecls {
	pkg := &pkgDecls{nodes: map[string][]ast.Node{}, results: map[string]*ast.CallExpr{}, rules: map[string]*ast.CompositeLit{}}
	for _, f := range files {
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
func (pkg *pkgDecls) check(who string, declared []string, roots ...ast.Node) []string {
	var out []string
	read := pkg.reads(roots)
	for _, r := range sortedKeys(read) {
		if !contains(declared, r) {
			out = append(out, fmt.Sprintf("%s reads %s (through %s) but does not list it in Requires", who, r, read[r]))
		}
	}
	for _, d := range declared {
		if _, ok := read[d]; !ok {
			out = append(out, fmt.Sprintf("%s lists %s in Requires but never reads it", who, d))
		}
	}
	return out
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

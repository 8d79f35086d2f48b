package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestHelpersHaveOneHome checks the layout of package rules: a file that
// registers a rule holds that rule only, and what it declares besides the
// rule (functions, types, variables, constants) is used by that file only.
// Code two rules share lives in a file that registers no rule, where a
// reader looks for it. Names are resolved per file by go/parser, so a local
// variable that shadows a helper is not a use of it.
func TestHelpersHaveOneHome(t *testing.T) {
	files := parseRules(t)
	declaredIn := map[string]string{} // helper -> rule file declaring it
	for name, f := range files {
		if len(f.rules) == 0 {
			continue
		}
		if len(f.rules) > 1 {
			t.Errorf("%s registers %d rules (%s): give each rule its own file", name, len(f.rules), strings.Join(f.rules, ", "))
		}
		for _, d := range f.decls {
			declaredIn[d] = name
		}
	}
	uses := map[string][]string{} // "helper (file)" -> the files using it
	for name, f := range files {
		for _, id := range f.ast.Unresolved {
			if home, ok := declaredIn[id.Name]; ok && home != name && !contains(uses[key(id.Name, home)], name) {
				uses[key(id.Name, home)] = append(uses[key(id.Name, home)], name)
			}
		}
	}
	for k, users := range uses {
		sort.Strings(users)
		t.Errorf("%s lives in a rule's file but is used by %s: move it to a shared file (one that registers no rule)", k, strings.Join(users, ", "))
	}
}

func key(name, file string) string { return name + " (" + file + ")" }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ruleFile is one non-test file of package rules.
type ruleFile struct {
	ast   *ast.File
	rules []string // the variables it registers rules in
	decls []string // its other top-level names (methods excepted)
}

func parseRules(t *testing.T) map[string]*ruleFile {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	files := map[string]*ruleFile{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, p, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = declarations(af)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d files of package rules", len(files))
	}
	return files
}

// declarations sorts a file's top-level names into rules and the rest.
func declarations(af *ast.File) *ruleFile {
	f := &ruleFile{ast: af}
	for _, d := range af.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				f.decls = append(f.decls, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					f.decls = append(f.decls, s.Name.Name)
				case *ast.ValueSpec:
					for i, n := range s.Names {
						if i < len(s.Values) && registers(s.Values[i]) {
							f.rules = append(f.rules, n.Name)
						} else if n.Name != "_" {
							f.decls = append(f.decls, n.Name)
						}
					}
				}
			}
		}
	}
	return f
}

// registers reports whether e is a call of register, which adds a rule to
// the registry.
func registers(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == "register"
}

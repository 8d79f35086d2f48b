package rules_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sharedFromRuleFiles are the helpers that live in one rule's file and are
// used outside it, as found when this check was written: each is to move to
// a shared home (see issue 12). The check fails for any helper not listed
// here, so the list can only shrink; delete a line once its helper moved.
var sharedFromRuleFiles = map[string]bool{
	"addedNotValid (validate_in_same_transaction.go)":         true, // used by long_access_exclusive.go
	"backfillSteps (volatile_default.go)":                     true, // used by adding_serial_column.go
	"columnDefault (volatile_default.go)":                     true, // used by enum_value_used_in_same_transaction.go, long_access_exclusive.go, unique_constraint_without_index.go
	"columnSequence (adding_serial_column.go)":                true, // used by adding_identity_column.go
	"dedupe (require_concurrent_drop_index.go)":               true, // used by enum_value_removal.go
	"defaultConstraintName (constraint_missing_not_valid.go)": true, // used by validate_in_same_transaction.go
	"deparseAddColumn (volatile_default.go)":                  true, // used by adding_serial_column.go, unique_constraint_without_index.go
	"droppedTypes (enum_value_removal.go)":                    true, // used by drop_type.go
	"dropsConstraint (drop_primary_key.go)":                   true, // used by drop_foreign_key.go
	"duplicatesQuery (unique_over_existing_data.go)":          true, // used by unique_constraint_without_index.go
	"enumSwaps (enum_value_removal.go)":                       true, // used by prisma_warning_unexplained.go
	"heldElsewhere (long_access_exclusive.go)":                true, // used by backfill_in_migration.go, column_type_rewrite.go, drop_primary_key.go, lock_rules.go, update_or_delete_without_where.go
	"heldOn (backfill_in_migration.go)":                       true, // used by update_or_delete_without_where.go
	"inEnumRemovalBlock (enum_value_removal.go)":              true, // used by column_type_rewrite.go
	"inRedefineIndex (redefine_index.go)":                     true, // used by require_concurrent_drop_index.go, require_concurrent_index.go
	"indexColumns (unique_over_existing_data.go)":             true, // used by prisma_warning_unexplained.go, redefine_index.go, require_concurrent_index.go
	"indexDuplicatesQuery (unique_over_existing_data.go)":     true, // used by redefine_index.go, require_concurrent_index.go
	"isDefaultName (constraint_missing_not_valid.go)":         true, // used by validate_in_same_transaction.go
	"isKey (unique_constraint_without_index.go)":              true, // used by long_access_exclusive.go
	"isNull (volatile_default.go)":                            true, // used by long_access_exclusive.go, unique_constraint_without_index.go
	"keyColumns (drop_primary_key.go)":                        true, // used by prisma_warning_unexplained.go
	"manyTables (many_access_exclusive.go)":                   true, // used by enum_value_removal.go
	"nullsQuery (not_null_over_existing_data.go)":             true, // used by set_not_null.go, unique_constraint_without_index.go
	"pinsUniqueKey (backfill_in_migration.go)":                true, // used by long_access_exclusive.go
	"plainColumn (volatile_default.go)":                       true, // used by adding_serial_column.go
	"provablyUnique (unique_over_existing_data.go)":           true, // used by redefine_index.go, require_concurrent_index.go, unique_constraint_without_index.go
	"provenNotNull (set_not_null.go)":                         true, // used by long_access_exclusive.go
	"quoteAll (drop_primary_key.go)":                          true, // used by drop_foreign_key.go, not_null_over_existing_data.go, unique_constraint_without_index.go
	"renameSpan (rename_column.go)":                           true, // used by rename_table.go
	"rewritingColumn (unique_constraint_without_index.go)":    true, // used by long_access_exclusive.go
	"sameEnumBlock (enum_value_removal.go)":                   true, // used by long_access_exclusive.go, many_access_exclusive.go
	"sequenceColumnFix (adding_serial_column.go)":             true, // used by adding_identity_column.go
	"txStatements (long_access_exclusive.go)":                 true, // used by many_access_exclusive.go
	"typeChangeMessage (column_type_rewrite.go)":              true, // used by long_access_exclusive.go
	"volatileCall (volatile_default.go)":                      true, // used by batches.go, unique_constraint_without_index.go
}

// manyRuleFiles are the rule files holding more than one rule, as found
// when this check was written.
var manyRuleFiles = map[string]bool{
	"suppression.go": true, // invalid-suppression and unused-suppression
}

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
		if len(f.rules) > 1 && !manyRuleFiles[name] {
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
	var found []string
	for k, users := range uses {
		sort.Strings(users)
		found = append(found, fmt.Sprintf("%s used by %s", k, strings.Join(users, ", ")))
		if !sharedFromRuleFiles[k] {
			t.Errorf("%s lives in a rule's file but is used by %s: move it to a shared file (one that registers no rule)", k, strings.Join(users, ", "))
		}
	}
	sort.Strings(found)
	for k := range sharedFromRuleFiles {
		if _, ok := uses[k]; !ok {
			t.Logf("%s no longer needs its place in sharedFromRuleFiles: delete the line", k)
		}
	}
	if testing.Verbose() {
		t.Logf("%d helpers in rule files used elsewhere:\n%s", len(found), strings.Join(found, "\n"))
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

package lint

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// A rule that reads what others reported on a statement (ReadsReports)
// runs after all of them, so Pass.ReportedBy knows their findings.
func TestRulesReadingReportsRunLast(t *testing.T) {
	e := newEngine(DefaultConfig())
	for _, r := range e.phases[0] {
		if r.ReadsReports {
			t.Errorf("%s reads reports but runs in the first phase", r.ID)
		}
	}
	var readers []string
	for _, r := range e.phases[1] {
		if !r.ReadsReports {
			t.Errorf("%s does not read reports but runs last", r.ID)
		}
		readers = append(readers, r.ID)
	}
	if got, want := strings.Join(readers, " "), "lock-table long-access-exclusive many-access-exclusive"; got != want {
		t.Errorf("rules reading reports: %s, want %s", got, want)
	}
}

// The findings of a statement come out in rule id order whatever order
// the rules ran in, and a failure others fold into is still found.
func TestInRuleOrder(t *testing.T) {
	e := &engine{rank: map[string]int{"a": 0, "b": 1, "c": 2}}
	fails := analysis.Diagnostic{FailsOnRows: catalog.Name{Name: "t"}}
	byStmt := [][]reported{{{Finding: Finding{Rule: "z"}}},
		{{Finding: Finding{Rule: "b"}}, {Finding: Finding{Rule: "c", Line: 1}, d: fails}, {Finding: Finding{Rule: "c", Line: 2}}, {Finding: Finding{Rule: "a"}}}}
	fs := newFoldings()
	k := foldKey{stmt: 1, table: catalog.Name{Name: "t"}}
	found := e.inRuleOrder(byStmt, fs)
	var got []string
	for _, f := range found {
		got = append(got, f.Rule)
	}
	if strings.Join(got, " ") != "z a b c c" || found[3].Line != 1 || found[4].Line != 2 {
		t.Errorf("order %v (lines %d, %d), want z a b c c with the c findings in their order", got, found[3].Line, found[4].Line)
	}
	if fs.at[k] != 3 {
		t.Errorf("the fold target moved to %d, want 3", fs.at[k])
	}
}

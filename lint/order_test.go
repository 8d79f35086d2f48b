package lint

import (
	"strings"
	"testing"
)

// A rule that reads what others reported on a statement (ReadsReports)
// runs after all of them, so Pass.ReportedBy knows their findings.
func TestRulesReadingReportsRunLast(t *testing.T) {
	e := newEngine(DefaultConfig())
	readers := 0
	for i, r := range e.rules {
		if r.ReadsReports {
			readers++
			continue
		}
		if readers > 0 {
			t.Fatalf("%s (rule %d) runs after a rule that reads reports", r.ID, i)
		}
	}
	if readers == 0 {
		t.Fatal("no rule reads reports: long-access-exclusive should")
	}
}

// The findings of a statement come out in rule id order whatever order
// the rules ran in, and a failure others fold into is still found.
func TestInRuleOrder(t *testing.T) {
	e := &engine{rank: map[string]int{"a": 0, "b": 1, "c": 2}}
	found := []Finding{{Rule: "z"}, {Rule: "b"}, {Rule: "c", Line: 1}, {Rule: "c", Line: 2}, {Rule: "a"}}
	fs := newFoldings()
	k := foldKey{stmt: 3}
	fs.at[k] = 2 // the first "c"
	e.inRuleOrder(found, 1, fs)
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

package lint

import "testing"

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

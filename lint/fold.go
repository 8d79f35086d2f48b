package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/rules"
)

// A finding about how long a lock is held while a statement works through a
// table's rows says nothing when the table can hold few rows: one whose
// constraints allow a single row, or one the file adds a NOT NULL column
// without a default to, which fails on any row, so the migration only
// succeeds while the table is empty. The first kind is dropped; the second
// is folded into the finding of the failure, which names what it absorbed.

// foldKey is a statement that fails on any row of a table.
type foldKey struct {
	stmt  int
	table catalog.Name
}

// foldings collects, per failing statement, the findings folded into it,
// and where its finding is.
type foldings struct {
	folded map[foldKey][]Finding
	at     map[foldKey]int // index of the failure's finding
}

func newFoldings() foldings {
	return foldings{folded: map[foldKey][]Finding{}, at: map[foldKey]int{}}
}

// fold reports whether the engine should drop d instead of reporting it,
// recording what it folds into. A lock held across a transaction's work
// (an Impact without Op) is about that work, not the locked table's rows.
func (e *engine) fold(p *analysis.Pass, r *analysis.Rule, d analysis.Diagnostic, fs foldings) bool {
	if d.Impact == nil || d.Impact.Op == 0 || d.Impact.KeepSeverity || r == rules.AddingRequiredColumn {
		return false
	}
	stmt, few := rules.FewRows(p, d.Impact.Table)
	if !few {
		return false
	}
	if stmt < 0 {
		return true
	}
	if !e.enabled(rules.AddingRequiredColumn.ID) {
		return false // nothing would report the failure that makes the lock moot
	}
	k := foldKey{stmt, d.Impact.Table}
	fs.folded[k] = append(fs.folded[k], e.finding(p.File, r, d))
	return true
}

// target records that found[i], of statement stmt, is a failure others may
// fold into.
func (fs foldings) target(i, stmt int, d analysis.Diagnostic) {
	if d.FailsOnRows.Name == "" {
		return
	}
	k := foldKey{stmt, d.FailsOnRows}
	if _, seen := fs.at[k]; !seen {
		fs.at[k] = i
	}
}

// note tells each failure which findings it absorbed, and returns found
// with the folded findings whose failure was not reported (suppressed
// elsewhere, say) put back, so that nothing is lost.
func (fs foldings) note(found []Finding) []Finding {
	var orphans []Finding
	for k, folded := range fs.folded {
		i, ok := fs.at[k]
		if !ok {
			orphans = append(orphans, folded...)
			continue
		}
		what := make([]string, len(folded))
		for j, f := range folded {
			what[j] = fmt.Sprintf("%s (line %d)", f.Rule, f.Line)
			found[i].Folded = append(found[i].Folded, Folded{Rule: f.Rule, Line: f.Line})
		}
		found[i].Message += fmt.Sprintf("; so the migration only succeeds while %s is empty, where its locks last "+
			"no time: the findings about them are folded into this one: %s", k.table, strings.Join(what, ", "))
	}
	if len(orphans) == 0 {
		return found
	}
	sort.Slice(orphans, func(a, b int) bool {
		x, y := orphans[a], orphans[b]
		return x.Line < y.Line || x.Line == y.Line && (x.Column < y.Column || x.Column == y.Column && x.Rule < y.Rule)
	})
	found = append(found, orphans...)
	sort.SliceStable(found, func(a, b int) bool { return found[a].Line < found[b].Line })
	return found
}

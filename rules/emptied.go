package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// An earlier statement of the same transaction may have emptied a table:
// then a NOT NULL column without a default can be added to it, because its
// visible rows are gone. TRUNCATE leaves the table truly empty and locked
// until commit; DELETE leaves its tuples in the heap until commit and
// vacuum, so work on the rows still scans them.

// emptying is how an earlier statement emptied a table.
type emptying int

const (
	notEmptied emptying = iota
	deletedAll          // DELETE of every row: the tuples remain to scan
	truncated           // TRUNCATE: nothing remains
)

// emptiedBefore says whether a statement of the file before stmt, in the
// same transaction, removed every row of table.
func emptiedBefore(p *analysis.Pass, stmt int, table catalog.Name) emptying {
	for i := stmt - 1; i >= 0 && p.Tx[i].ID == p.Tx[stmt].ID; i-- {
		switch n := p.File.Stmts[i].Node; {
		case truncates(n.GetTruncateStmt(), table):
			return truncated
		case n.GetDeleteStmt() != nil && catalog.RangeName(n.GetDeleteStmt().GetRelation()) == table &&
			(n.GetDeleteStmt().WhereClause == nil ||
				allRows(n.GetDeleteStmt().WhereClause, p.Schema.Table(table), freshColumns(p, i, table)) != ""):
			return deletedAll
		}
	}
	return notEmptied
}

func truncates(t *pg.TruncateStmt, table catalog.Name) bool {
	for _, r := range t.GetRelations() {
		if catalog.RangeName(r.GetRangeVar()) == table {
			return true
		}
	}
	return false
}

package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// This file lets the rules of slow statements say what their findings are
// about (analysis.Impact), so that the engine can size them with production
// statistics. Without statistics nothing changes.

// impactOn says that the current statement does op on table's rows while
// the lock that governs table (its own, or a stronger one an earlier
// statement of the transaction holds) is held.
func impactOn(p *analysis.Pass, table catalog.Name, op analysis.Operation) *analysis.Impact {
	g := governingLocks(p, stmtLocks(p), []catalog.Name{table})[0]
	im := &analysis.Impact{Table: table, Op: op, Blocks: blockedWords(g.Mode.Blocks())}
	if g.Mode != 0 {
		im.Lock = g.Mode.String()
	}
	return im
}

// blockedWords says in a few words which of the application's statements
// wait: "reads and writes", "writes", "" for none.
func blockedWords(e locks.Effect) string {
	switch {
	case e.Reads:
		return "reads and writes"
	case e.Writes && e.LockingReads:
		return "writes and SELECT ... FOR UPDATE/SHARE"
	case e.Writes:
		return "writes"
	case e.LockingReads:
		return "SELECT ... FOR UPDATE/SHARE"
	}
	return ""
}

// indexBuild is the operation class of building the index s defines.
func indexBuild(s *pg.IndexStmt) analysis.Operation {
	switch {
	case s.Concurrent:
		return analysis.ConcurrentIndexBuild
	case s.Unique:
		return analysis.UniqueIndexBuild
	}
	return analysis.IndexBuild
}

// constraintImpact is what validating constraint k on table costs.
func constraintImpact(p *analysis.Pass, table catalog.Name, k *pg.Constraint) *analysis.Impact {
	if k.Contype == pg.ConstrType_CONSTR_FOREIGN {
		im := impactOn(p, table, analysis.ForeignKeyScan)
		im.Referenced = catalog.RangeName(k.Pktable)
		return im
	}
	return impactOn(p, table, analysis.CheckScan)
}

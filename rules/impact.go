package rules

import (
	"slices"

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
	im := &analysis.Impact{Work: analysis.Work{Table: table, Op: op}, Blocks: BlockedWords(g.Mode.Blocks())}
	if g.Mode != 0 {
		im.Lock = g.Mode.String()
	}
	return im
}

// BlockedWords says in a few words which of the application's statements
// wait: "reads and writes", "writes", "" for none.
func BlockedWords(e locks.Effect) string {
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

// heldImpact says that the lock mode held on table blocks it while the
// statements of the transaction from statement from on run; nil when one
// of them does work no cost model covers (a backfill, a refresh), whose
// time is unknown.
func heldImpact(p *analysis.Pass, table catalog.Name, mode locks.Mode, from int) *analysis.Impact {
	work, ok := heldWork(p, from)
	if !ok {
		return nil
	}
	return &analysis.Impact{Work: analysis.Work{Table: table}, Held: work, Lock: mode.String(), Blocks: BlockedWords(mode.Blocks())}
}

// heldWork is the work on existing rows of the statements of the current
// transaction from statement from to its end, as the rules of slow
// statements size it; ok is false when one of them is slow in a way no
// cost model covers.
func heldWork(p *analysis.Pass, from int) (work []analysis.Work, ok bool) {
	at := *p
	for _, s := range txStatements(p, from) {
		at.Stmt, at.Schema = s, p.SchemaAt(s.Index)
		w, known := stmtWork(&at)
		if !known {
			return nil, false
		}
		work = append(work, w...)
	}
	return work, true
}

// stmtWork is the work the current statement does on existing rows, from
// the Impacts of the findings the sizing rules reported on it (whatever
// their severity) and its VALIDATE CONSTRAINT clauses; known is false when
// it is slow and none sizes it. A statement of a redefined index or an enum
// replacement is sized by the finding on its block. Only a rule that sets
// ReadsReports may ask, as then every statement's reports are in.
func stmtWork(p *analysis.Pass) (work []analysis.Work, known bool) {
	work = p.SizedWork(p.Stmt.Index)
	for _, w := range validations(p) {
		if !slices.Contains(work, w) {
			work = append(work, w)
		}
	}
	if len(work) > 0 || inRedefineIndex(p) || inEnumRemovalBlock(p) {
		return work, true
	}
	_, slow := slowStatement(p)
	return nil, !slow
}

// validations is the work of the statement's VALIDATE CONSTRAINT and
// ATTACH PARTITION clauses on existing tables: a scan of the rows checked.
func validations(p *analysis.Pass) []analysis.Work {
	var out []analysis.Work
	for _, c := range relationCmds(p) {
		if part := c.Cmd.Def.GetPartitionCmd(); c.Cmd.Subtype == pg.AlterTableType_AT_AttachPartition && part != nil &&
			existing(p, catalog.RangeName(part.Name)) {
			out = append(out, analysis.Work{Table: catalog.RangeName(part.Name), Op: analysis.CheckScan})
			continue
		}
		t := p.Schema.Table(c.Table)
		if c.Cmd.Subtype != pg.AlterTableType_AT_ValidateConstraint || t == nil || !existing(p, c.Table) {
			continue
		}
		switch k := t.Constraint(c.Cmd.Name); {
		case k == nil:
		case k.Kind == catalog.ForeignKey:
			out = append(out, analysis.Work{Table: c.Table, Op: analysis.ForeignKeyScan, Referenced: k.RefTable})
		default:
			out = append(out, analysis.Work{Table: c.Table, Op: analysis.CheckScan})
		}
	}
	return out
}

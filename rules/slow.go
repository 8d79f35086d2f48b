package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
)

// This file classifies the statements whose time grows with a table's rows,
// for the rules that report what runs while a lock is held and for sizing
// that work (impact.go).

// slowStatement tells whether the current statement does work that grows
// with a table's size on a table that may hold rows.
func slowStatement(p *analysis.Pass) (slowWork, bool) {
	switch s := p.Stmt.Node.Node.(type) {
	case *pg.Node_IndexStmt:
		t := catalog.RangeName(s.IndexStmt.Relation)
		return slowWork{fmt.Sprintf("CREATE INDEX reads every row of %s to build the index", t), true},
			!s.IndexStmt.Concurrent && existing(p, t)
	case *pg.Node_AlterTableStmt:
		return slowAlter(p)
	case *pg.Node_UpdateStmt, *pg.Node_DeleteStmt, *pg.Node_MergeStmt, *pg.Node_InsertStmt:
		return slowDML(p)
	case *pg.Node_CreateTableAsStmt:
		return slowRead(p, "CREATE ... AS")
	case *pg.Node_SelectStmt:
		if s.SelectStmt.IntoClause != nil {
			return slowRead(p, "SELECT ... INTO")
		}
	case *pg.Node_RefreshMatViewStmt:
		t := catalog.RangeName(s.RefreshMatViewStmt.Relation)
		return slowWork{fmt.Sprintf("REFRESH MATERIALIZED VIEW recomputes %s from its query", t), false}, existing(p, t)
	case *pg.Node_ClusterStmt:
		t := catalog.RangeName(s.ClusterStmt.Relation)
		return slowWork{fmt.Sprintf("CLUSTER rewrites %s", t), true}, s.ClusterStmt.Relation != nil && existing(p, t)
	case *pg.Node_ReindexStmt:
		ls := stmtLocks(p)
		return slowWork{"REINDEX rebuilds indexes from scratch", true}, len(ls) > 0 && existing(p, ls[0].Table)
	}
	return slowWork{}, false
}

// slowAlter classifies the clauses of an ALTER TABLE or ALTER INDEX.
func slowAlter(p *analysis.Pass) (slowWork, bool) {
	for _, c := range relationCmds(p) {
		t := alteredTable(p, c.Table)
		if !existing(p, t) {
			continue
		}
		if what := slowClause(p, c, t); what != "" {
			return slowWork{what, true}, true
		}
		if c.Cmd.Subtype == pg.AlterTableType_AT_ValidateConstraint {
			add, _ := addedNotValid(p, t, c.Cmd.Name)
			return slowWork{fmt.Sprintf("VALIDATE CONSTRAINT %s scans every row of %s", sqltext.Ident(c.Cmd.Name), t), add != nil}, true
		}
		if part := c.Cmd.Def.GetPartitionCmd(); c.Cmd.Subtype == pg.AlterTableType_AT_AttachPartition && part != nil {
			return slowWork{fmt.Sprintf("ATTACH PARTITION scans %s to check that its rows fit the partition bound",
				catalog.RangeName(part.Name)), false}, true
		}
	}
	return slowWork{}, false
}

// slowClause says what makes an ALTER clause on table t slow, or "" when it
// is quick. These clauses are reported with their own lock by their rules.
func slowClause(p *analysis.Pass, c alterCmd, t catalog.Name) string {
	switch c.Cmd.Subtype {
	case pg.AlterTableType_AT_AddConstraint:
		k := c.Cmd.Def.GetConstraint()
		switch {
		case (k.GetContype() == pg.ConstrType_CONSTR_FOREIGN || k.GetContype() == pg.ConstrType_CONSTR_CHECK) && !k.SkipValidation:
			return fmt.Sprintf("adding the %s constraint checks every row of %s", constraintWord(k), t)
		case isKey(k) && k.Indexname == "" || k.GetContype() == pg.ConstrType_CONSTR_EXCLUSION:
			return fmt.Sprintf("adding the %s constraint reads every row of %s to build its index", constraintWord(k), t)
		}
	case pg.AlterTableType_AT_AddColumn:
		d := c.Cmd.Def.GetColumnDef()
		if d != nil && (rewritingColumn(p, d) || p.PGVersion < 11 && !isNull(columnDefault(d))) {
			return fmt.Sprintf("adding column %s rewrites %s", sqltext.Ident(d.Colname), t)
		}
		for _, n := range d.GetConstraints() {
			if k := n.GetConstraint(); isKey(k) || k.GetContype() == pg.ConstrType_CONSTR_FOREIGN && !k.SkipValidation {
				return fmt.Sprintf("adding column %s with its %s constraint reads every row of %s", sqltext.Ident(d.GetColname()), constraintWord(k), t)
			}
		}
	case pg.AlterTableType_AT_SetNotNull:
		if !provenNotNull(p, t, c.Cmd.Name) {
			return fmt.Sprintf("SET NOT NULL scans every row of %s", t)
		}
	case pg.AlterTableType_AT_AlterColumnType:
		if d := c.Cmd.Def.GetColumnDef(); d != nil && typeChangeMessage(p.Schema, t, c.Cmd.Name, d) != "" {
			return fmt.Sprintf("changing the type of %s rewrites %s", sqltext.Ident(c.Cmd.Name), t)
		}
	case pg.AlterTableType_AT_SetLogged, pg.AlterTableType_AT_SetUnLogged, pg.AlterTableType_AT_SetTableSpace,
		pg.AlterTableType_AT_SetAccessMethod:
		return fmt.Sprintf("%s copies every row of %s", rewritingForms[c.Cmd.Subtype], c.Table)
	}
	return ""
}

// rewritingForms names the ALTER clauses that copy a whole relation.
var rewritingForms = map[pg.AlterTableType]string{
	pg.AlterTableType_AT_SetLogged:       "SET LOGGED",
	pg.AlterTableType_AT_SetUnLogged:     "SET UNLOGGED",
	pg.AlterTableType_AT_SetTableSpace:   "SET TABLESPACE",
	pg.AlterTableType_AT_SetAccessMethod: "SET ACCESS METHOD",
}

// constraintWord names a constraint's kind for a message.
func constraintWord(k *pg.Constraint) string {
	switch k.GetContype() {
	case pg.ConstrType_CONSTR_FOREIGN:
		return "FOREIGN KEY"
	case pg.ConstrType_CONSTR_PRIMARY:
		return "PRIMARY KEY"
	case pg.ConstrType_CONSTR_EXCLUSION:
		return "EXCLUDE"
	}
	return strings.TrimPrefix(k.GetContype().String(), "CONSTR_")
}

// slowDML classifies a data change: a backfill, unless it pins a unique key
// of its table to constants. Rules on backfills report the tables it
// touches when it writes a table that holds rows.
func slowDML(p *analysis.Pass) (slowWork, bool) {
	ls := stmtLocks(p)
	if len(ls) == 0 {
		return slowWork{}, false
	}
	target := ls[0].Table
	if p.Stmt.Node.GetInsertStmt() != nil {
		var sources []catalog.Name
		for _, t := range locks.Tables(ls[1:]) {
			if existing(p, t) {
				sources = append(sources, t)
			}
		}
		return slowWork{fmt.Sprintf("INSERT ... SELECT copies rows of %s into %s", joinNames(sources), target), existing(p, target)},
			len(sources) > 0
	}
	return slowWork{fmt.Sprintf("this %s changes rows of %s", ls[0].Why, target), true},
		existing(p, target) && !pinsUniqueKey(p, target)
}

// slowRead classifies a statement that creates a table from a query.
func slowRead(p *analysis.Pass, kind string) (slowWork, bool) {
	var sources []catalog.Name
	for _, t := range locks.Tables(stmtLocks(p)) {
		if existing(p, t) {
			sources = append(sources, t)
		}
	}
	return slowWork{fmt.Sprintf("%s reads every row it selects from %s", kind, joinNames(sources)), false}, len(sources) > 0
}

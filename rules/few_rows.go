package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// FewRows reports whether work on the rows of table cannot take long when
// the current statement runs, so that a finding about the time a lock is
// held there (one with an Impact) is moot. required is the index of a
// statement of the file that adds a NOT NULL column without a default to
// the table: it fails on any row, so the migration only succeeds while the
// table is empty, and the finding belongs to that failure (-1 when the
// reason is another). A table whose constraints allow one row at most, or
// that the transaction truncated before, are the other reasons.
func FewRows(p *analysis.Pass, table catalog.Name) (required int, few bool) {
	if t := p.Schema.Table(table); t != nil && t.AtMostOneRow() {
		return -1, true
	}
	if p.Schema.IsNew(table) {
		return -1, false
	}
	if emptiedBefore(p, p.Stmt.Index, table) == truncated {
		return -1, true
	}
	for _, s := range p.File.Stmts {
		if addsRequiredColumnTo(s.Node.GetAlterTableStmt(), table) && emptiedBefore(p, s.Index, table) == notEmptied {
			return s.Index, true
		}
	}
	return -1, false
}

// addsRequiredColumnTo reports whether an ALTER TABLE of table adds a column
// PostgreSQL cannot fill for existing rows.
func addsRequiredColumnTo(a *pg.AlterTableStmt, table catalog.Name) bool {
	if a == nil || a.Relation == nil || catalog.RangeName(a.Relation) != table {
		return false
	}
	for _, c := range a.Cmds {
		cmd := c.GetAlterTableCmd()
		if d := cmd.GetDef().GetColumnDef(); cmd.GetSubtype() == pg.AlterTableType_AT_AddColumn && d != nil && requiredWithoutDefault(d) {
			return true
		}
	}
	return false
}

// requiredWithoutDefault reports a column that PostgreSQL cannot fill for
// existing rows. Identity, serial and generated columns fill themselves.
func requiredWithoutDefault(d *pg.ColumnDef) bool {
	notNull := d.IsNotNull || columnHas(d, pg.ConstrType_CONSTR_NOTNULL) != nil || columnHas(d, pg.ConstrType_CONSTR_PRIMARY) != nil
	filled := d.RawDefault != nil || columnHas(d, pg.ConstrType_CONSTR_DEFAULT) != nil ||
		columnHas(d, pg.ConstrType_CONSTR_IDENTITY) != nil || columnHas(d, pg.ConstrType_CONSTR_GENERATED) != nil ||
		catalog.IsSerial(d.TypeName)
	return notNull && !filled
}

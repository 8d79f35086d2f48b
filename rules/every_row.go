package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// An UPDATE or DELETE with a WHERE can still touch every row: the WHERE of a
// backfill names the column the file just added (NULL everywhere), or tests
// a NOT NULL column for NOT NULL. Such a statement is a mass change, and
// the rules judge it as one.

// everyRow says why the current UPDATE or DELETE, whose WHERE is where,
// selects every row of table, or returns "" when it may not.
func everyRow(p *analysis.Pass, table catalog.Name, where *pg.Node) string {
	return allRows(where, p.Schema.Table(table), freshColumns(p, p.Stmt.Index, table))
}

func allRows(n *pg.Node, t *catalog.Table, fresh map[string]bool) string {
	switch {
	case n.GetBoolExpr() != nil:
		return allRowsBool(n.GetBoolExpr(), t, fresh)
	case n.GetNullTest() != nil:
		return allRowsNullTest(n.GetNullTest(), t, fresh)
	case n.GetAConst().GetBoolval() != nil && n.GetAConst().GetBoolval().Boolval:
		return "its condition is TRUE"
	}
	return ""
}

func allRowsBool(b *pg.BoolExpr, t *catalog.Table, fresh map[string]bool) string {
	var whys []string
	for _, a := range b.Args {
		why := allRows(a, t, fresh)
		switch {
		case b.Boolop == pg.BoolExprType_OR_EXPR && why != "":
			return why
		case b.Boolop == pg.BoolExprType_AND_EXPR && why == "":
			return ""
		}
		whys = append(whys, why)
	}
	if b.Boolop != pg.BoolExprType_AND_EXPR {
		return ""
	}
	return strings.Join(whys, ", and ")
}

func allRowsNullTest(nt *pg.NullTest, t *catalog.Table, fresh map[string]bool) string {
	fields := stringFields(nt.Arg.GetColumnRef().GetFields())
	if len(fields) == 0 {
		return ""
	}
	col := fields[len(fields)-1]
	switch {
	case nt.Nulltesttype == pg.NullTestType_IS_NULL && fresh[col]:
		return fmt.Sprintf("%s IS NULL, and the file has just added %[1]s without a default", sqltext.Ident(col))
	case nt.Nulltesttype == pg.NullTestType_IS_NOT_NULL && t != nil && t.Column(col) != nil && t.Column(col).NotNull:
		return fmt.Sprintf("%s IS NOT NULL, and %[1]s is NOT NULL", sqltext.Ident(col))
	}
	return ""
}

// freshColumns are the columns of table that earlier statements of the file
// added without a default and with no UPDATE of the table since: NULL in
// every row, so no CHECK, foreign key or unique key over them alone can
// fail.
func freshColumns(p *analysis.Pass, i int, table catalog.Name) map[string]bool {
	out := map[string]bool{}
	for _, d := range addedSinceUpdate(p, i, table) {
		if v, ok := uniformValue(p, d); ok && v == "" && columnHas(d, pg.ConstrType_CONSTR_NOTNULL) == nil {
			out[d.Colname] = true
		}
	}
	return out
}

// addedSinceUpdate returns the columns that statements [0, upto) of the
// file add to table, leaving out those added before an UPDATE of the table,
// which may have filled them.
func addedSinceUpdate(p *analysis.Pass, upto int, table catalog.Name) []*pg.ColumnDef {
	var out []*pg.ColumnDef
	for _, s := range p.File.Stmts[:upto] {
		if u := s.Node.GetUpdateStmt(); u != nil && catalog.RangeName(u.Relation) == table {
			out = out[:0]
		}
		a := s.Node.GetAlterTableStmt()
		if a == nil || a.Relation == nil || catalog.RangeName(a.Relation) != table {
			continue
		}
		for _, c := range a.Cmds {
			cmd := c.GetAlterTableCmd()
			if d := cmd.GetDef().GetColumnDef(); cmd.GetSubtype() == pg.AlterTableType_AT_AddColumn && d != nil {
				out = append(out, d)
			}
		}
	}
	return out
}

// uniformValue is the value an added column gives every existing row: its
// DEFAULT when constant, "" for NULL; ok is false when each row gets its own
// (a volatile default, identity, serial, a generated column).
func uniformValue(p *analysis.Pass, d *pg.ColumnDef) (string, bool) {
	if columnHas(d, pg.ConstrType_CONSTR_IDENTITY) != nil || columnHas(d, pg.ConstrType_CONSTR_GENERATED) != nil ||
		catalog.IsSerial(d.TypeName) {
		return "", false
	}
	def := columnDefault(d)
	if def == nil {
		return "", true
	}
	if volatileCall(p.Schema, def) != "" {
		return "", false
	}
	text, ok := deparseExpr(def)
	return text, ok && text != ""
}

// Constraints as the rules read them: default names, keys, the ones a
// statement drops or an earlier one added NOT VALID, the NOT NULL a column
// is proven to hold.

package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// defaultConstraintName is the name PostgreSQL gives an unnamed foreign key
// before numbering it past taken names; for an unnamed CHECK it is the name
// the fix gives it (VALIDATE needs one).
func defaultConstraintName(t catalog.Name, k *pg.Constraint) string {
	if k.Contype != pg.ConstrType_CONSTR_FOREIGN {
		return t.Name + "_check"
	}
	var cols []string
	for _, n := range k.FkAttrs {
		cols = append(cols, n.GetString_().GetSval())
	}
	return t.Name + "_" + strings.Join(cols, "_") + "_fkey"
}

// isDefaultName reports whether name is base, or base numbered as
// PostgreSQL numbers a name already taken (base1, base2, ...).
func isDefaultName(name, base string) bool {
	rest, ok := strings.CutPrefix(name, base)
	return ok && strings.Trim(rest, "0123456789") == ""
}

// dropsConstraint reports a DROP CONSTRAINT clause, on a table that may hold
// rows, of a constraint of that kind.
func dropsConstraint(p *analysis.Pass, c alterCmd, kind catalog.ConstraintKind) bool {
	if c.Cmd.Subtype != pg.AlterTableType_AT_DropConstraint || !existing(p, c.Table) {
		return false
	}
	t := p.Schema.Table(c.Table)
	if t == nil {
		return false
	}
	k := t.Constraint(c.Cmd.Name)
	return k != nil && k.Kind == kind
}

func keyColumns(k *pg.Constraint) []string {
	var out []string
	for _, n := range k.Keys {
		out = append(out, n.GetString_().GetSval())
	}
	return out
}

// isKey reports a UNIQUE or PRIMARY KEY constraint.
func isKey(k *pg.Constraint) bool {
	return k.GetContype() == pg.ConstrType_CONSTR_UNIQUE || k.GetContype() == pg.ConstrType_CONSTR_PRIMARY
}

// addedNotValid finds the constraint's ADD ... NOT VALID in an earlier
// statement of the current transaction, and where that statement starts.
func addedNotValid(p *analysis.Pass, table catalog.Name, name string) (*pg.Constraint, int) {
	tx := p.Tx[p.Stmt.Index].ID
	for _, s := range p.File.Stmts[:p.Stmt.Index] {
		a := s.Node.GetAlterTableStmt()
		if p.Tx[s.Index].ID != tx || a == nil || catalog.RangeName(a.Relation) != table {
			continue
		}
		for _, n := range a.Cmds {
			cmd := n.GetAlterTableCmd()
			k := cmd.GetDef().GetConstraint()
			if cmd.GetSubtype() == pg.AlterTableType_AT_AddConstraint && k != nil && k.SkipValidation &&
				(k.Conname == name || k.Conname == "" && isDefaultName(name, defaultConstraintName(table, k))) {
				return k, s.Start
			}
		}
	}
	return nil, 0
}

// provenNotNull reports whether SET NOT NULL needs no scan: the column is
// already NOT NULL, or (PostgreSQL 12+) a validated CHECK proves it.
func provenNotNull(p *analysis.Pass, table catalog.Name, col string) bool {
	t := p.Schema.Table(table)
	if t == nil {
		return false
	}
	if c := t.Column(col); c != nil && c.NotNull {
		return true
	}
	return p.PGVersion >= 12 && t.HasValidNotNullCheck(col)
}

// pinsUniqueKey reports whether the statement's WHERE fixes every column of
// a unique index of the table to constants, so it changes a few rows.
func pinsUniqueKey(p *analysis.Pass, table catalog.Name) bool {
	pinned := pinnedColumns(dmlWhere(p.Stmt.Node))
	for _, ix := range p.Schema.IndexesOn(table) {
		if ix.Unique && len(ix.Columns) > 0 && !slices.ContainsFunc(ix.Columns, func(c string) bool { return !pinned[c] }) {
			return true
		}
	}
	return false
}

// dmlWhere returns the WHERE of an UPDATE or DELETE, or nil.
func dmlWhere(n *pg.Node) *pg.Node {
	switch s := n.Node.(type) {
	case *pg.Node_UpdateStmt:
		return s.UpdateStmt.WhereClause
	case *pg.Node_DeleteStmt:
		return s.DeleteStmt.WhereClause
	}
	return nil
}

// pinnedColumns returns the columns a condition fixes to constants through
// its top-level AND: col = 'x' or col IN ('x', 'y').
func pinnedColumns(where *pg.Node) map[string]bool {
	out := map[string]bool{}
	conds := []*pg.Node{where}
	if b := where.GetBoolExpr(); b != nil && b.Boolop == pg.BoolExprType_AND_EXPR {
		conds = b.Args
	}
	for _, c := range conds {
		e := c.GetAExpr()
		if e == nil || !comparison(e) || stringFields(e.Name)[0] != "=" {
			continue
		}
		fields := stringFields(e.Lexpr.GetColumnRef().GetFields())
		if len(fields) > 0 && isConstant(e.Rexpr) {
			out[fields[len(fields)-1]] = true
		}
	}
	return out
}

// isConstant reports a constant or a list of constants (possibly cast).
func isConstant(n *pg.Node) bool {
	if tc := n.GetTypeCast(); tc != nil {
		n = tc.Arg
	}
	if n.GetAConst() != nil {
		return true
	}
	items := n.GetList().GetItems()
	return len(items) > 0 && !slices.ContainsFunc(items, func(i *pg.Node) bool { return !isConstant(i) })
}

// columnHas reports whether a column definition carries a constraint of
// that type.
func columnHas(d *pg.ColumnDef, typ pg.ConstrType) *pg.Constraint {
	for _, n := range d.Constraints {
		if k := n.GetConstraint(); k != nil && k.Contype == typ {
			return k
		}
	}
	return nil
}

// notNullSteps is the safe way to make an existing column NOT NULL, as two
// migrations numbered from first: a NOT VALID check (a brief lock), then its
// validation (reads and writes go on) and SET NOT NULL, which PostgreSQL 12+
// proves from the validated check without scanning the table.
func notNullSteps(t catalog.Name, col string, first int) string {
	check := sqltext.Ident(t.Name + "_" + col + "_not_null")
	return fmt.Sprintf(`-- Migration %[4]d: add the check without scanning existing rows.
ALTER TABLE %[1]s ADD CONSTRAINT %[3]s CHECK (%[2]s IS NOT NULL) NOT VALID;
-- Migration %[5]d (its own migration, so validation holds no ACCESS EXCLUSIVE lock):
ALTER TABLE %[1]s VALIDATE CONSTRAINT %[3]s;
ALTER TABLE %[1]s ALTER COLUMN %[2]s SET NOT NULL;
ALTER TABLE %[1]s DROP CONSTRAINT %[3]s;`, t, sqltext.Ident(col), check, first, first+1)
}

package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// alterCmd is one clause of an ALTER TABLE statement.
type alterCmd struct {
	Table catalog.Name
	Cmd   *pg.AlterTableCmd
	Span  sqlfile.Span // the clause, or the whole statement when it cannot be isolated
}

// alterCmds returns the clauses of the current statement when it is an
// ALTER TABLE on a table, else nil. Most rules ask, so each statement's are
// split once.
func alterCmds(p *analysis.Pass) []alterCmd {
	memo := p.Memo("alterCmds", func() any { return map[*sqlfile.Stmt][]alterCmd{} }).(map[*sqlfile.Stmt][]alterCmd)
	cmds, ok := memo[p.Stmt]
	if !ok {
		cmds = splitAlterCmds(p)
		memo[p.Stmt] = cmds
	}
	return cmds[:len(cmds):len(cmds)] // shared: an append must copy
}

func splitAlterCmds(p *analysis.Pass) []alterCmd {
	s := p.Stmt.Node.GetAlterTableStmt()
	if s == nil || s.Objtype != pg.ObjectType_OBJECT_TABLE || s.Relation == nil {
		return nil
	}
	table := catalog.RangeName(s.Relation)
	spans := p.File.Clauses(p.Stmt, int(s.Relation.Location), len(s.Cmds))
	out := make([]alterCmd, 0, len(s.Cmds))
	for i, n := range s.Cmds {
		cmd := n.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		sp := p.StmtSpan()
		if spans != nil {
			sp = spans[i]
		}
		out = append(out, alterCmd{Table: table, Cmd: cmd, Span: sp})
	}
	return out
}

// existing reports whether a table may hold rows and serve traffic: it was
// not created earlier in the file being linted.
func existing(p *analysis.Pass, t catalog.Name) bool { return !p.Schema.IsNew(t) }

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

// ident quotes an identifier for SQL the user will paste.
func ident(s string) string { return catalog.Name{Schema: catalog.DefaultSchema, Name: s}.String() }

// notNullSteps is the safe way to make an existing column NOT NULL, as two
// migrations numbered from first: a NOT VALID check (a brief lock), then its
// validation (reads and writes go on) and SET NOT NULL, which PostgreSQL 12+
// proves from the validated check without scanning the table.
func notNullSteps(t catalog.Name, col string, first int) string {
	check := ident(t.Name + "_" + col + "_not_null")
	return fmt.Sprintf(`-- Migration %[4]d: add the check without scanning existing rows.
ALTER TABLE %[1]s ADD CONSTRAINT %[3]s CHECK (%[2]s IS NOT NULL) NOT VALID;
-- Migration %[5]d (its own migration, so validation holds no ACCESS EXCLUSIVE lock):
ALTER TABLE %[1]s VALIDATE CONSTRAINT %[3]s;
ALTER TABLE %[1]s ALTER COLUMN %[2]s SET NOT NULL;
ALTER TABLE %[1]s DROP CONSTRAINT %[3]s;`, t, ident(col), check, first, first+1)
}

// unknownIndex reports whether the history, which knows some tables, never
// created the index (an empty history knows nothing either way).
func unknownIndex(p *analysis.Pass, name catalog.Name) bool {
	return p.Schema.Tables() > 0 && p.Schema.Index(name) == nil
}

// ifExists is "IF EXISTS " for a statement that had it (missingOk), so a
// fix does not fail where the statement it replaces did nothing.
func ifExists(missingOk bool) string {
	if missingOk {
		return "IF EXISTS "
	}
	return ""
}

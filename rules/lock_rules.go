package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Helpers shared by the lock rules (adding-serial-column, set-tablespace,
// long-access-exclusive, ...).

// addedColumn is an ADD COLUMN clause on a table that may hold rows.
type addedColumn struct {
	alterCmd
	Def *pg.ColumnDef
}

// addedColumns returns the current statement's ADD COLUMN clauses on tables
// that may hold rows, leaving out ADD COLUMN IF NOT EXISTS of a column the
// table already has (a no-op).
func addedColumns(p *analysis.Pass) []addedColumn {
	var out []addedColumn
	for _, c := range alterCmds(p) {
		d := c.Cmd.Def.GetColumnDef()
		if c.Cmd.Subtype != pg.AlterTableType_AT_AddColumn || d == nil || !existing(p, c.Table) {
			continue
		}
		if t := p.Schema.Table(c.Table); c.Cmd.MissingOk && t != nil && t.Column(d.Colname) != nil {
			continue
		}
		out = append(out, addedColumn{c, d})
	}
	return out
}

// underLocks describes the locks that govern tables while the current
// statement runs.
func underLocks(p *analysis.Pass, tables ...catalog.Name) string {
	return describeLocks(p, governingLocks(p, stmtLocks(p), tables))
}

// underSlow describes, for a slow statement, the locks that govern tables
// while it runs, then the ACCESS EXCLUSIVE locks earlier statements of the
// transaction hold on the tables it does not work on: the rules of slow
// statements name both, and long-access-exclusive leaves the statements they
// report to them.
func underSlow(p *analysis.Pass, tables ...catalog.Name) string {
	return describeLocks(p, append(governingLocks(p, stmtLocks(p), tables), heldElsewhere(p)...))
}

// rewriteMessage says that what makes PostgreSQL rewrite a table, and under
// which locks.
func rewriteMessage(p *analysis.Pass, what string, table catalog.Name) string {
	return fmt.Sprintf("%s, so PostgreSQL rewrites %s and rebuilds its indexes, and until it finishes the statement runs under %s",
		what, table, underSlow(p, table))
}

// parenSpan returns the span inside the first parenthesized group that
// starts at or after from, within sp.
func parenSpan(f *sqlfile.File, sp sqlfile.Span, from int) (sqlfile.Span, bool) {
	depth, start := 0, -1
	for _, t := range f.Tokens(sp.Start, sp.End) {
		if int(t.Start) < from {
			continue
		}
		switch t.Token {
		case pg.Token_ASCII_40:
			if depth == 0 && start < 0 {
				start = int(t.End)
			}
			depth++
		case pg.Token_ASCII_41:
			depth--
			if depth == 0 && start >= 0 {
				return sqlfile.Span{Start: start, End: int(t.Start)}, true
			}
		}
	}
	return sqlfile.Span{}, false
}

// relationCmds returns the clauses of the current statement when it is an
// ALTER TABLE, ALTER INDEX or ALTER MATERIALIZED VIEW; Table is the relation
// altered (for ALTER INDEX, the index).
func relationCmds(p *analysis.Pass) []alterCmd {
	s := p.Stmt.Node.GetAlterTableStmt()
	if s == nil || s.Relation == nil {
		return nil
	}
	switch s.Objtype {
	case pg.ObjectType_OBJECT_TABLE, pg.ObjectType_OBJECT_INDEX, pg.ObjectType_OBJECT_MATVIEW:
	default:
		return nil
	}
	rel := catalog.RangeName(s.Relation)
	spans := p.File.Clauses(p.Stmt, int(s.Relation.Location), len(s.Cmds))
	var out []alterCmd
	for i, n := range s.Cmds {
		if cmd := n.GetAlterTableCmd(); cmd != nil {
			sp := p.StmtSpan()
			if spans != nil {
				sp = spans[i]
			}
			out = append(out, alterCmd{Table: rel, Cmd: cmd, Span: sp})
		}
	}
	return out
}

// alteredTable is the table whose queries an ALTER of rel affects: rel
// itself, or for ALTER INDEX the index's table (zero when unknown).
func alteredTable(p *analysis.Pass, rel catalog.Name) catalog.Name {
	if p.Stmt.Node.GetAlterTableStmt().GetObjtype() != pg.ObjectType_OBJECT_INDEX {
		return rel
	}
	if ix := p.Schema.Index(rel); ix != nil {
		return ix.Table
	}
	return catalog.Name{}
}

// repackFix is the advice for rewriting tables outside migrations, with
// pg_repack (or pg_squeeze), which take their ACCESS EXCLUSIVE lock only for
// a moment at the start and the end. Nil tables means all of them; an
// empty list leaves the target to the caller.
func repackFix(tables []catalog.Name, note string) string {
	target := " --all"
	if tables != nil {
		target = ""
		for _, t := range tables {
			target += " --table=" + shellQuote(sqltext.Ident(t.Schema)+"."+sqltext.Ident(t.Name))
		}
	}
	return "-- Not in a migration: rebuild online with pg_repack, which holds ACCESS EXCLUSIVE only for a moment at the\n" +
		"-- start and the end (or with the pg_squeeze extension):\n" + note +
		"--   pg_repack --dbname=\"$DATABASE_URL\"" + target
}

// shellQuote quotes a word for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

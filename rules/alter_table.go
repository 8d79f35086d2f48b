// The clauses of an ALTER TABLE as the rules read them: split once per
// statement, with their spans, and the columns they add.

package rules

import (
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
// ALTER TABLE on a table, else nil.
func alterCmds(p *analysis.Pass) []alterCmd {
	cmds := alterCmdsResult.Of(p)[p.Stmt.Index]
	return cmds[:len(cmds):len(cmds)] // shared: an append must copy
}

// alterCmdsResult holds the clauses of each statement of the file: most
// rules ask, so each statement's are split once.
var alterCmdsResult = analysis.NewResult("clauses of each ALTER TABLE", func(p *analysis.Pass) [][]alterCmd {
	out := make([][]alterCmd, len(p.File.Stmts))
	for i, st := range p.File.Stmts {
		out[i] = splitAlterCmds(p.File, st)
	}
	return out
})

func splitAlterCmds(f *sqlfile.File, st *sqlfile.Stmt) []alterCmd {
	s := st.Node.GetAlterTableStmt()
	if s == nil || s.Objtype != pg.ObjectType_OBJECT_TABLE || s.Relation == nil {
		return nil
	}
	table := catalog.RangeName(s.Relation)
	spans := f.Clauses(st, int(s.Relation.Location), len(s.Cmds))
	out := make([]alterCmd, 0, len(s.Cmds))
	for i, n := range s.Cmds {
		cmd := n.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		sp := sqlfile.Span{Start: st.Start, End: st.End}
		if spans != nil {
			sp = spans[i]
		}
		out = append(out, alterCmd{Table: table, Cmd: cmd, Span: sp})
	}
	return out
}

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

package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Prisma turns a renamed field or model into DROP plus ADD (or DROP TABLE
// plus CREATE TABLE). drop-add-rename reports such pairs; drop-column and
// drop-table stay quiet on them, so all three share the detection below.

// lockTimeout is prepended to the quick but ACCESS EXCLUSIVE statements the
// fixes suggest, so they give up instead of queueing behind a long query
// while every later read and write of the table queues behind them. A plain
// SET works whether Prisma sends the file as one query or statement by
// statement (SET LOCAL would not).
const lockTimeout = "SET lock_timeout = '5s';\n"

// colKey names a column of a table.
type colKey struct {
	Table catalog.Name
	Col   string
}

// colDrop is a DROP COLUMN of a column that held data before the file.
type colDrop struct {
	colKey
	Type  catalog.Type
	Typed bool // Type is known from the replayed history
	Stmt  int
	Span  sqlfile.Span
}

// colAdd is an ADD COLUMN on a table that existed before the file.
type colAdd struct {
	colKey
	Type catalog.Type
}

// colRename is a DROP COLUMN paired with an ADD COLUMN: a probable rename.
type colRename struct {
	colDrop
	New     string
	NewType catalog.Type
}

// tableDrop is a DROP TABLE of a table that existed before the file.
type tableDrop struct {
	Name catalog.Name
	Cols []catalog.Column // as before the file; nil when the history does not know the table
	Stmt int
}

// tableRename is a DROP TABLE paired with a CREATE TABLE.
type tableRename struct {
	tableDrop
	New catalog.Name
}

// fileChanges is what the current file drops and adds.
type fileChanges struct {
	drops   []colDrop
	adds    []colAdd
	tDrops  []tableDrop
	creates []catalog.Table // as created, before later statements alter them
}

// renames holds the probable renames of one file.
type renames struct {
	cols   []colRename
	tables []tableRename
	// recreated holds the columns dropped and added again under the same
	// name, with the new type: a type change that loses the data, not a
	// rename.
	recreated map[colKey]catalog.Type
}

// fileRenames finds the probable renames of the file being linted.
func fileRenames(p *analysis.Pass) renames {
	ch := collectChanges(p)
	added, dropped := map[colKey]catalog.Type{}, map[colKey]bool{}
	for _, a := range ch.adds {
		added[a.colKey] = a.Type
	}
	r := renames{recreated: map[colKey]catalog.Type{}}
	var drops []colDrop
	for _, d := range ch.drops {
		dropped[d.colKey] = true
		if typ, ok := added[d.colKey]; ok {
			r.recreated[d.colKey] = typ
		} else {
			drops = append(drops, d)
		}
	}
	var adds []colAdd
	for _, a := range ch.adds {
		if !dropped[a.colKey] {
			adds = append(adds, a)
		}
	}
	r.cols = pairColumns(drops, adds)
	r.tables = pairTables(ch.tDrops, ch.creates)
	return r
}

// collectChanges replays the file from the schema before it, recording each
// drop and add with the schema as it is just before its statement.
func collectChanges(p *analysis.Pass) fileChanges {
	var ch fileChanges
	cat := p.Before.Clone()
	q := *p
	q.Schema = cat
	for _, s := range p.File.Stmts {
		q.Stmt = s
		switch n := s.Node.Node.(type) {
		case *pg.Node_AlterTableStmt:
			ch.alter(&q)
		case *pg.Node_DropStmt:
			ch.tDrops = append(ch.tDrops, droppedTables(&q, n.DropStmt)...)
		}
		cat.Apply(s.Node)
		if n := s.Node.GetCreateStmt(); n != nil && p.Before.Table(catalog.RangeName(n.Relation)) == nil {
			if t := cat.Table(catalog.RangeName(n.Relation)); t != nil && !t.Partial {
				ch.creates = append(ch.creates, catalog.Table{Name: t.Name, Columns: append([]catalog.Column(nil), t.Columns...)})
			}
		}
	}
	return ch
}

// alter records the column drops and adds of an ALTER TABLE on tables that
// existed before the file.
func (ch *fileChanges) alter(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		if dropsData(p, c) {
			d := colDrop{colKey: colKey{c.Table, c.Cmd.Name}, Stmt: p.Stmt.Index, Span: c.Span}
			if t := p.Schema.Table(c.Table); t != nil && t.Column(c.Cmd.Name) != nil {
				d.Type, d.Typed = t.Column(c.Cmd.Name).Type, true
			}
			ch.drops = append(ch.drops, d)
		}
		if d := c.Cmd.Def.GetColumnDef(); c.Cmd.Subtype == pg.AlterTableType_AT_AddColumn && d != nil && existing(p, c.Table) {
			ch.adds = append(ch.adds, colAdd{colKey{c.Table, d.Colname}, p.Schema.TypeOf(d.TypeName)})
		}
	}
}

// dropsData reports a DROP COLUMN of a column that may hold data and be used
// by the running code.
func dropsData(p *analysis.Pass, c alterCmd) bool {
	return c.Cmd.Subtype == pg.AlterTableType_AT_DropColumn && oldColumn(p, c.Table, c.Cmd.Name)
}

// oldColumn reports whether a column may hold data and be used by the
// running code: its table existed before the file, and the history does not
// show that table, fully known, without the column before the file (a column
// added earlier in the same file is empty and unknown to old code).
func oldColumn(p *analysis.Pass, table catalog.Name, col string) bool {
	if !existing(p, table) {
		return false
	}
	t := p.Before.Table(table)
	return t == nil || t.Partial || t.Column(col) != nil
}

// droppedTables returns the tables of a DROP TABLE that existed before the
// file.
func droppedTables(p *analysis.Pass, s *pg.DropStmt) []tableDrop {
	if s.RemoveType != pg.ObjectType_OBJECT_TABLE {
		return nil
	}
	var out []tableDrop
	for _, obj := range s.Objects {
		name := catalog.QualifiedName(obj.GetList().GetItems())
		if name.Name == "" || !existing(p, name) {
			continue
		}
		d := tableDrop{Name: name, Stmt: p.Stmt.Index}
		if t := p.Before.Table(name); t != nil && !t.Partial {
			d.Cols = t.Columns
		}
		out = append(out, d)
	}
	return out
}

// pairColumns pairs each table's drops with its adds: the only drop with the
// only add, else a drop with the first unpaired add of the same type.
func pairColumns(drops []colDrop, adds []colAdd) []colRename {
	var out []colRename
	used := make([]bool, len(adds))
	for _, d := range drops {
		var same []int
		for i, a := range adds {
			if a.Table == d.Table {
				same = append(same, i)
			}
		}
		if len(same) == 1 && countDrops(drops, d.Table) == 1 {
			out = append(out, colRename{colDrop: d, New: adds[same[0]].Col, NewType: adds[same[0]].Type})
			continue
		}
		for _, i := range same {
			if !used[i] && d.Typed && sameType(d.Type, adds[i].Type) {
				used[i] = true
				out = append(out, colRename{colDrop: d, New: adds[i].Col, NewType: adds[i].Type})
				break
			}
		}
	}
	return out
}

func countDrops(drops []colDrop, table catalog.Name) int {
	n := 0
	for _, d := range drops {
		if d.Table == table {
			n++
		}
	}
	return n
}

func sameType(a, b catalog.Type) bool {
	if a.Name != b.Name || a.Array != b.Array || len(a.Mods) != len(b.Mods) {
		return false
	}
	for i := range a.Mods {
		if a.Mods[i] != b.Mods[i] {
			return false
		}
	}
	return true
}

// pairTables pairs each dropped table with the created table that shares the
// most columns (name and type), when at least two and at least half of the
// created table's columns match.
func pairTables(drops []tableDrop, creates []catalog.Table) []tableRename {
	var out []tableRename
	used := make([]bool, len(creates))
	for _, d := range drops {
		best, bestN := -1, 0
		for i, u := range creates {
			n := matchingColumns(d.Cols, u.Columns)
			if !used[i] && u.Name != d.Name && n >= 2 && 2*n >= len(u.Columns) && n > bestN {
				best, bestN = i, n
			}
		}
		if best >= 0 {
			used[best] = true
			out = append(out, tableRename{tableDrop: d, New: creates[best].Name})
		}
	}
	return out
}

func matchingColumns(old, cols []catalog.Column) int {
	n := 0
	for _, c := range cols {
		for _, o := range old {
			if o.Name == c.Name && sameType(o.Type, c.Type) {
				n++
				break
			}
		}
	}
	return n
}

// column returns the rename of a dropped column, if it is part of one.
func (r renames) column(stmt int, table catalog.Name, col string) *colRename {
	for i, c := range r.cols {
		if c.Stmt == stmt && c.colKey == (colKey{table, col}) {
			return &r.cols[i]
		}
	}
	return nil
}

// table returns the rename of a dropped table, if it is part of one.
func (r renames) table(stmt int, name catalog.Name) *tableRename {
	for i, t := range r.tables {
		if t.Stmt == stmt && t.Name == name {
			return &r.tables[i]
		}
	}
	return nil
}

// expandContract is the zero-downtime way to rename, shared by the help texts.
func expandContract(what string) string {
	return fmt.Sprintf("For zero downtime use expand-contract instead: add the new %[1]s, keep both in sync "+
		"(trigger), backfill in batches, switch the code to the new %[1]s, and drop the old one in a later migration.", what)
}

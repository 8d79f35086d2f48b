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
// Hand-edited migrations often move the data first (ADD tmp; UPDATE SET
// tmp = f(old); DROP old; RENAME tmp TO old): a drop whose data an earlier
// statement copied loses nothing, and is only a problem for old code when
// nothing takes the dropped name back.

// colKey names a column of a table.
type colKey struct {
	Table catalog.Name
	Col   string
}

// colDrop is a DROP COLUMN of a column that held data before the file.
type colDrop struct {
	colKey
	Type   catalog.Type
	Typed  bool         // Type is known from the replayed history
	Copied bool         // an earlier UPDATE or INSERT ... SELECT read its values
	Ref    catalog.Name // the table its foreign key referenced before the file
	Stmt   int
	Span   sqlfile.Span
}

// colAdd is an ADD COLUMN on a table that existed before the file.
type colAdd struct {
	colKey
	Type   catalog.Type
	Ref    catalog.Name // the table its foreign key references after the file
	Filled bool         // an UPDATE of the file sets it
	Stmt   int          // the statement that adds it
}

// colRename is a DROP COLUMN paired with an ADD COLUMN: a probable rename.
type colRename struct {
	colDrop
	New      string
	NewType  catalog.Type
	NewStmt  int // the statement that adds New
	Evidence renameEvidence
}

// tableDrop is a DROP TABLE of a table that existed before the file.
type tableDrop struct {
	Name   catalog.Name
	Cols   []catalog.Column // as before the file; nil when the history does not know the table
	Copied bool             // an earlier INSERT ... SELECT read its rows
	Stmt   int
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
	// copiedCols and copiedTables are read by the UPDATE and INSERT ...
	// SELECT statements seen so far.
	copiedCols   map[colKey]bool
	copiedTables map[catalog.Name]bool
	// filledCols are the columns an UPDATE of the file sets.
	filledCols map[colKey]bool
	// namedCol and namedTable give the last statement that gave a column
	// (RENAME COLUMN) or a relation (RENAME TO, CREATE TABLE or VIEW) a name.
	namedCol   map[colKey]int
	namedTable map[catalog.Name]int
}

// renames holds the probable renames of one file.
type renames struct {
	cols   []colRename
	tables []tableRename
	// recreated holds the columns dropped and added again under the same
	// name, with the new type: a type change that loses the data, not a
	// rename.
	recreated map[colKey]catalog.Type
	// copiedCols and copiedTables hold the drops whose data an earlier
	// statement copied; true when a later statement takes the name back, so
	// old code keeps finding it.
	copiedCols   map[colKey]bool
	copiedTables map[catalog.Name]bool
}

// renamesResult holds the probable renames of the file being linted.
var renamesResult = analysis.NewResult("probable renames", findRenames, alterCmdsResult)

func findRenames(p *analysis.Pass) renames {
	ch := collectChanges(p)
	r := renames{recreated: map[colKey]catalog.Type{}, copiedCols: map[colKey]bool{}, copiedTables: map[catalog.Name]bool{}}
	r.tables = pairTables(r.sortTables(ch), ch.creates)
	drops, adds := r.sortColumns(ch)
	r.cols = pairColumns(drops, adds, r.tables)
	return r
}

// sortColumns sets aside copied and recreated columns, and returns the drops
// and adds left to pair.
func (r *renames) sortColumns(ch fileChanges) ([]colDrop, []colAdd) {
	added, dropped := map[colKey]catalog.Type{}, map[colKey]bool{}
	for _, a := range ch.adds {
		added[a.colKey] = a.Type
	}
	var drops []colDrop
	for _, d := range ch.drops {
		dropped[d.colKey] = true
		if d.Copied {
			r.copiedCols[d.colKey] = ch.namedCol[d.colKey] > d.Stmt
		} else if typ, ok := added[d.colKey]; ok {
			r.recreated[d.colKey] = typ
		} else {
			drops = append(drops, d)
		}
	}
	var adds []colAdd
	for _, a := range ch.adds {
		if !dropped[a.colKey] {
			a.Filled = ch.filledCols[a.colKey]
			adds = append(adds, a)
		}
	}
	return drops, adds
}

// sortTables sets aside copied tables, and returns the drops left to pair.
func (r *renames) sortTables(ch fileChanges) []tableDrop {
	var drops []tableDrop
	for _, d := range ch.tDrops {
		if d.Copied {
			r.copiedTables[d.Name] = ch.namedTable[d.Name] > d.Stmt
		} else {
			drops = append(drops, d)
		}
	}
	return drops
}

// collectChanges replays the file from the schema before it, recording each
// drop and add with the schema as it is just before its statement.
func collectChanges(p *analysis.Pass) fileChanges {
	ch := fileChanges{copiedCols: map[colKey]bool{}, copiedTables: map[catalog.Name]bool{}, filledCols: map[colKey]bool{},
		namedCol: map[colKey]int{}, namedTable: map[catalog.Name]int{}}
	q := *p
	after := p.SchemaAt(len(p.File.Stmts))
	for _, s := range p.File.Stmts {
		q.Stmt, q.Schema = s, p.SchemaAt(s.Index)
		switch n := s.Node.Node.(type) {
		case *pg.Node_AlterTableStmt:
			ch.alter(&q, after)
		case *pg.Node_DropStmt:
			for _, d := range droppedTables(&q, n.DropStmt) {
				d.Copied = ch.copiedTables[d.Name]
				ch.tDrops = append(ch.tDrops, d)
			}
		case *pg.Node_UpdateStmt:
			ch.updateCopies(n.UpdateStmt)
		case *pg.Node_InsertStmt:
			ch.insertCopies(n.InsertStmt)
		}
		ch.noteName(s)
		if n := s.Node.GetCreateStmt(); n != nil {
			ch.created(p.Before, p.SchemaAt(s.Index+1), catalog.RangeName(n.Relation))
		}
	}
	return ch
}

// created records a table the file created under a name that was free
// before the file, with its columns as created.
func (ch *fileChanges) created(before, now *catalog.Catalog, name catalog.Name) {
	if t := now.Table(name); t != nil && !t.Partial && before.Table(name) == nil {
		ch.creates = append(ch.creates, catalog.Table{Name: t.Name, Columns: append([]catalog.Column(nil), t.Columns...)})
	}
}

// alter records the column drops and adds of an ALTER TABLE on tables that
// existed before the file; after is the schema after the whole file.
func (ch *fileChanges) alter(p *analysis.Pass, after *catalog.Catalog) {
	for _, c := range alterCmds(p) {
		if dropsData(p, c) {
			key := colKey{c.Table, c.Cmd.Name}
			d := colDrop{colKey: key, Copied: ch.copiedCols[key], Ref: foreignKeyTarget(p.Before, key),
				Stmt: p.Stmt.Index, Span: c.Span}
			if t := p.Schema.Table(c.Table); t != nil && t.Column(c.Cmd.Name) != nil {
				d.Type, d.Typed = t.Column(c.Cmd.Name).Type, true
			}
			ch.drops = append(ch.drops, d)
		}
		if d := c.Cmd.Def.GetColumnDef(); c.Cmd.Subtype == pg.AlterTableType_AT_AddColumn && d != nil && existing(p, c.Table) {
			key := colKey{c.Table, d.Colname}
			ch.adds = append(ch.adds, colAdd{colKey: key, Type: p.Schema.TypeOf(d.TypeName), Ref: foreignKeyTarget(after, key),
				Stmt: p.Stmt.Index})
		}
	}
}

// foreignKeyTarget returns the table a column's single-column foreign key
// references in cat, or the zero Name.
func foreignKeyTarget(cat *catalog.Catalog, c colKey) catalog.Name {
	t := cat.Table(c.Table)
	if t == nil {
		return catalog.Name{}
	}
	for _, k := range t.Constraints {
		if k.Kind == catalog.ForeignKey && len(k.Columns) == 1 && k.Columns[0] == c.Col {
			return k.RefTable
		}
	}
	return catalog.Name{}
}

// updateCopies records the columns an UPDATE reads into its SET values,
// and the columns it sets.
func (ch *fileChanges) updateCopies(u *pg.UpdateStmt) {
	t := catalog.RangeName(u.Relation)
	for _, n := range u.TargetList {
		ch.filledCols[colKey{t, n.GetResTarget().GetName()}] = true
		for _, col := range columnRefs(n.GetResTarget().GetVal()) {
			ch.copiedCols[colKey{t, col}] = true
		}
	}
}

// insertCopies records the tables an INSERT ... SELECT reads, and the
// columns its select list reads from them.
func (ch *fileChanges) insertCopies(ins *pg.InsertStmt) {
	sel := ins.SelectStmt.GetSelectStmt()
	if sel == nil {
		return
	}
	var cols []string
	for _, n := range sel.TargetList {
		cols = append(cols, columnRefs(n.GetResTarget().GetVal())...)
	}
	for _, from := range sel.FromClause {
		walkNodes(from, func(n *pg.Node) {
			if rv := n.GetRangeVar(); rv != nil {
				t := catalog.RangeName(rv)
				ch.copiedTables[t] = true
				for _, col := range cols {
					ch.copiedCols[colKey{t, col}] = true
				}
			}
		})
	}
}

// columnRefs returns the names of the columns an expression reads.
func columnRefs(expr *pg.Node) []string {
	var out []string
	walkNodes(expr, func(n *pg.Node) {
		if f := n.GetColumnRef().GetFields(); len(f) > 0 {
			if s := f[len(f)-1].GetString_(); s != nil {
				out = append(out, s.Sval)
			}
		}
	})
	return out
}

// noteName records the column or relation name a statement gives.
func (ch *fileChanges) noteName(s *sqlfile.Stmt) {
	switch n := s.Node.Node.(type) {
	case *pg.Node_RenameStmt:
		t := catalog.RangeName(n.RenameStmt.Relation)
		switch n.RenameStmt.RenameType {
		case pg.ObjectType_OBJECT_COLUMN:
			ch.namedCol[colKey{t, n.RenameStmt.Newname}] = s.Index
		case pg.ObjectType_OBJECT_TABLE, pg.ObjectType_OBJECT_VIEW:
			ch.namedTable[catalog.Name{Schema: t.Schema, Name: n.RenameStmt.Newname}] = s.Index
		}
	case *pg.Node_ViewStmt:
		ch.namedTable[catalog.RangeName(n.ViewStmt.View)] = s.Index
	case *pg.Node_CreateStmt:
		ch.namedTable[catalog.RangeName(n.CreateStmt.Relation)] = s.Index
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

// pairColumns pairs each table's drops with its adds where the evidence
// says rename (see renameEvidence): types that can hold the same values, an
// add that no UPDATE of the file fills and that references what the drop
// referenced, and names in common or a pairing nothing else on the table
// competes with. Each add pairs once, the likeliest drop first.
func pairColumns(drops []colDrop, adds []colAdd, tables []tableRename) []colRename {
	var out []colRename
	used := make([]bool, len(adds))
	for _, d := range drops {
		best, bestE := -1, renameEvidence{}
		for i, a := range adds {
			if used[i] || a.Table != d.Table {
				continue
			}
			if e, ok := weigh(d, a, drops, adds, tables); ok && (best < 0 || e.likely() && !bestE.likely()) {
				best, bestE = i, e
			}
		}
		if best >= 0 {
			used[best] = true
			out = append(out, colRename{colDrop: d, New: adds[best].Col, NewType: adds[best].Type, NewStmt: adds[best].Stmt,
				Evidence: bestE})
		}
	}
	return out
}

// weigh returns the evidence that add a renames drop d, and whether it is
// enough to pair them.
func weigh(d colDrop, a colAdd, drops []colDrop, adds []colAdd, tables []tableRename) (renameEvidence, bool) {
	if a.Filled || !sameReference(d.Ref, a.Ref, tables) || d.Typed && !similarTypes(d.Type, a.Type) {
		return renameEvidence{}, false
	}
	e := renameEvidence{sameType: d.Typed && sameType(d.Type, a.Type)}
	compareNames(&e, d.Col, a.Col)
	e.onlyPair = countDrops(drops, d.Table) == 1 && countAdds(adds, d.Table) == 1
	e.uniqueType = e.sameType && countTyped(drops, adds, d.Table, d.Type) == 2
	return e, e.enough()
}

func countAdds(adds []colAdd, table catalog.Name) int {
	n := 0
	for _, a := range adds {
		if a.Table == table {
			n++
		}
	}
	return n
}

// countTyped counts the drops and adds of a table with exactly type t.
func countTyped(drops []colDrop, adds []colAdd, table catalog.Name, t catalog.Type) int {
	n := 0
	for _, d := range drops {
		if d.Table == table && d.Typed && sameType(d.Type, t) {
			n++
		}
	}
	for _, a := range adds {
		if a.Table == table && sameType(a.Type, t) {
			n++
		}
	}
	return n
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

// similarTypes reports whether a renamed field could have changed from one
// type to the other: types of the same kind (text, number, time, ...), or
// text and an enum. A type it does not know is similar to any.
func similarTypes(a, b catalog.Type) bool {
	ka, kb := typeKind(a), typeKind(b)
	return ka == "" || kb == "" || ka == kb
}

// typeKind is the kind of a known type's values, with text and enums alike;
// "" for a type it does not know.
func typeKind(t catalog.Type) string {
	if t.Enum {
		return "text"
	}
	return typeKinds[t.Name]
}

// typeKinds groups builtin types whose values a renamed field may carry
// over, after PostgreSQL's type categories.
var typeKinds = map[string]string{
	"text": "text", "varchar": "text", "bpchar": "text", "citext": "text", "name": "text",
	"int2": "number", "int4": "number", "int8": "number", "float4": "number", "float8": "number", "numeric": "number",
	"money": "number", "serial": "number", "bigserial": "number", "smallserial": "number",
	"date": "time", "time": "time", "timetz": "time", "timestamp": "time", "timestamptz": "time",
	"uuid": "text", "bool": "bool", "json": "json", "jsonb": "json", "bytea": "bytea", "interval": "interval",
}

// pairTables pairs each dropped table with the created table of the same
// schema that shares the most columns (name and type), when at least two and
// at least half of the created table's columns match.
func pairTables(drops []tableDrop, creates []catalog.Table) []tableRename {
	var out []tableRename
	used := make([]bool, len(creates))
	for _, d := range drops {
		best, bestN := -1, 0
		for i, u := range creates {
			n := matchingColumns(d.Cols, u.Columns)
			if !used[i] && u.Name != d.Name && u.Name.Schema == d.Name.Schema && n >= 2 && 2*n >= len(u.Columns) && n > bestN {
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

// renameSpan returns the RENAME clause of an ALTER TABLE ... RENAME.
func renameSpan(p *analysis.Pass, s *pg.RenameStmt) sqlfile.Span {
	if sp := p.File.Clauses(p.Stmt, int(s.Relation.Location), 1); sp != nil {
		return sp[0]
	}
	return p.StmtSpan()
}

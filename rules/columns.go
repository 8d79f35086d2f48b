package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// columnResolver finds the columns a statement's column references name,
// from the tables the statement reads or writes and their aliases.
type columnResolver struct {
	p      *analysis.Pass
	target catalog.Name            // the table the statement writes or alters
	rels   map[string]catalog.Name // alias or table name -> table
}

func newColumnResolver(p *analysis.Pass, n *pg.Node) *columnResolver {
	r := &columnResolver{p: p, rels: map[string]catalog.Name{}}
	if rv := targetRelation(n); rv != nil {
		r.target = catalog.RangeName(rv)
	}
	walkNodes(n, func(x *pg.Node) {
		if rv := x.GetRangeVar(); rv != nil {
			name := catalog.RangeName(rv)
			r.rels[rv.Relname] = name
			if rv.Alias != nil {
				r.rels[rv.Alias.Aliasname] = name
			}
		}
	})
	return r
}

// targetRelation returns the table a statement writes or alters.
func targetRelation(n *pg.Node) *pg.RangeVar {
	switch s := n.Node.(type) {
	case *pg.Node_UpdateStmt:
		return s.UpdateStmt.Relation
	case *pg.Node_DeleteStmt:
		return s.DeleteStmt.Relation
	case *pg.Node_InsertStmt:
		return s.InsertStmt.Relation
	case *pg.Node_AlterTableStmt:
		return s.AlterTableStmt.Relation
	case *pg.Node_IndexStmt:
		return s.IndexStmt.Relation
	}
	return nil
}

// column returns the column a reference names, or nil.
func (r *columnResolver) column(ref *pg.ColumnRef) *catalog.Column {
	if ref == nil {
		return nil
	}
	fields := stringFields(ref.Fields)
	switch len(fields) {
	case 1:
		if c := r.columnOf(r.target, fields[0]); c != nil {
			return c
		}
		for _, t := range r.rels {
			if c := r.columnOf(t, fields[0]); c != nil {
				return c
			}
		}
	case 2:
		if t, ok := r.rels[fields[0]]; ok {
			return r.columnOf(t, fields[1])
		}
	}
	return nil
}

func (r *columnResolver) columnOf(table catalog.Name, col string) *catalog.Column {
	if t := r.p.Schema.Table(table); t != nil {
		return t.Column(col)
	}
	return nil
}

// typeOf returns the type of a column reference, or the zero Type.
func (r *columnResolver) typeOf(n *pg.Node) catalog.Type {
	if c := r.column(n.GetColumnRef()); c != nil {
		return c.Type
	}
	return catalog.Type{}
}

// assignment is a value written into a column.
type assignment struct {
	typ catalog.Type
	val *pg.Node
}

// assignments returns the values a statement writes into columns of its
// target table: UPDATE ... SET, INSERT ... VALUES, ALTER COLUMN ... SET DEFAULT.
func (r *columnResolver) assignments(n *pg.Node) []assignment {
	t := r.p.Schema.Table(r.target)
	if t == nil {
		return nil
	}
	var out []assignment
	add := func(col string, val *pg.Node) {
		if c := t.Column(col); c != nil && val != nil {
			out = append(out, assignment{c.Type, val})
		}
	}
	switch s := n.Node.(type) {
	case *pg.Node_UpdateStmt:
		for _, tn := range s.UpdateStmt.TargetList {
			if rt := tn.GetResTarget(); rt != nil {
				add(rt.Name, rt.Val)
			}
		}
	case *pg.Node_InsertStmt:
		cols := insertColumns(s.InsertStmt, t)
		for _, row := range s.InsertStmt.SelectStmt.GetSelectStmt().GetValuesLists() {
			for i, v := range row.GetList().GetItems() {
				if i < len(cols) {
					add(cols[i], v)
				}
			}
		}
	case *pg.Node_AlterTableStmt:
		for _, cn := range s.AlterTableStmt.Cmds {
			if cmd := cn.GetAlterTableCmd(); cmd.GetSubtype() == pg.AlterTableType_AT_ColumnDefault {
				add(cmd.Name, cmd.Def)
			}
		}
	}
	return out
}

// insertColumns returns the columns an INSERT fills, in order: its column
// list, or all the table's columns.
func insertColumns(s *pg.InsertStmt, t *catalog.Table) []string {
	var out []string
	for _, c := range s.Cols {
		out = append(out, c.GetResTarget().GetName())
	}
	if len(out) == 0 {
		for _, c := range t.Columns {
			out = append(out, c.Name)
		}
	}
	return out
}

// stringFields returns the names of a column reference ("t", "col"); a `*`
// ends it.
func stringFields(nodes []*pg.Node) []string {
	var out []string
	for _, n := range nodes {
		s := n.GetString_()
		if s == nil {
			break
		}
		out = append(out, s.Sval)
	}
	return out
}

// constants returns the string constants an expression is made of: the
// constant itself, or the items of a list (`IN ('A', 'B')`).
func constants(n *pg.Node) []*pg.A_Const {
	if c := n.GetAConst(); c != nil && c.GetSval() != nil {
		return []*pg.A_Const{c}
	}
	var out []*pg.A_Const
	for _, item := range n.GetList().GetItems() {
		out = append(out, constants(item)...)
	}
	return out
}

// comparison reports whether an expression compares its sides for
// (in)equality: =, <>, IN, NOT IN.
func comparison(e *pg.A_Expr) bool {
	if e.Kind != pg.A_Expr_Kind_AEXPR_OP && e.Kind != pg.A_Expr_Kind_AEXPR_IN {
		return false
	}
	op := stringFields(e.Name)
	return len(op) == 1 && (op[0] == "=" || op[0] == "<>" || op[0] == "!=")
}

// tokenAt returns the span of the token that starts at off.
func tokenAt(p *analysis.Pass, off int) sqlfile.Span {
	if toks := p.File.Tokens(off, off+1); len(toks) > 0 {
		return sqlfile.Span{Start: off, End: int(toks[0].End)}
	}
	return p.StmtSpan()
}

package catalog

import (
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// View returns the columns of a view or materialized view of the history,
// in order; ok is false when the history has no such view, cols is nil
// when the replay cannot name every column (a star over a relation it does
// not know, an expression PostgreSQL names itself).
func (c *Catalog) View(n Name) (cols []string, ok bool) {
	if _, ok := c.views.get(n); !ok {
		return nil, false
	}
	return c.viewCols.at(n), true
}

// setView records a view created (or replaced) with query; aliases are the
// column names the statement gives, which win over the query's.
func (c *Catalog) setView(name Name, q *pg.Node, aliases []*pg.Node) {
	c.views.set(name, relationsRead(q))
	cols := c.outputColumns(q)
	for i, a := range stringList(aliases) { // they name the first columns
		if i < len(cols) {
			cols[i] = a
		}
	}
	c.viewCols.set(name, cols)
}

// renameViewColumn follows ALTER VIEW ... RENAME COLUMN (or ALTER TABLE on
// a view).
func (c *Catalog) renameViewColumn(v Name, from, to string) {
	cols := c.viewCols.at(v)
	if i := slices.Index(cols, from); i >= 0 {
		cols = slices.Clone(cols)
		cols[i] = to
		c.viewCols.set(v, cols)
	}
}

// outputColumns names the columns of a SELECT as PostgreSQL does, or
// returns nil when one of them it cannot name: a star is expanded over the
// tables of the history (as PostgreSQL expands it when the view is
// created), a column reference is named by its column, an unaliased
// expression other than that is not named.
func (c *Catalog) outputColumns(q *pg.Node) []string {
	sel := q.GetSelectStmt()
	for sel != nil && sel.Larg != nil { // a UNION is named by its first query
		sel = sel.Larg
	}
	if sel == nil || len(sel.TargetList) == 0 {
		return nil
	}
	ctes := map[string]bool{}
	for _, cte := range sel.GetWithClause().GetCtes() {
		ctes[cte.GetCommonTableExpr().GetCtename()] = true
	}
	from := c.fromRelations(sel.FromClause, ctes)
	var out []string
	for _, n := range sel.TargetList {
		rt := n.GetResTarget()
		if rt == nil {
			return nil
		}
		if rt.Name != "" {
			out = append(out, rt.Name)
			continue
		}
		ref := rt.Val.GetColumnRef()
		if ref == nil || len(ref.Fields) == 0 {
			return nil
		}
		last := ref.Fields[len(ref.Fields)-1]
		if last.GetAStar() == nil {
			out = append(out, last.GetString_().GetSval())
			continue
		}
		cols, ok := starColumns(from, stringList(ref.Fields[:len(ref.Fields)-1]))
		if !ok {
			return nil
		}
		out = append(out, cols...)
	}
	return out
}

// fromRelation is a relation of a FROM clause: the name a star qualifies
// it by and its columns (nil: unknown).
type fromRelation struct {
	alias string
	cols  []string
}

// fromRelations lists the relations of a FROM clause in order, with the
// columns of each table the history knows in full.
func (c *Catalog) fromRelations(items []*pg.Node, ctes map[string]bool) []fromRelation {
	var out []fromRelation
	for _, it := range items {
		switch {
		case it.GetRangeVar() != nil:
			rv := it.GetRangeVar()
			r := fromRelation{alias: rv.Relname}
			if rv.Alias != nil {
				r.alias = rv.Alias.Aliasname
			}
			if t := c.tables.at(RangeName(rv)); t != nil && !t.Partial && !(rv.Schemaname == "" && ctes[rv.Relname]) {
				for _, col := range t.Columns {
					r.cols = append(r.cols, col.Name)
				}
			} else if cols, ok := c.View(RangeName(rv)); ok && !ctes[rv.Relname] {
				r.cols = cols
			}
			out = append(out, r)
		case it.GetJoinExpr() != nil:
			j := it.GetJoinExpr()
			if j.Alias != nil || len(j.UsingClause) > 0 || j.IsNatural {
				out = append(out, fromRelation{}) // merged or renamed columns: unknown
				continue
			}
			out = append(out, c.fromRelations([]*pg.Node{j.Larg, j.Rarg}, ctes)...)
		default: // a subquery, a function: columns unknown
			alias := ""
			if s := it.GetRangeSubselect(); s != nil && s.Alias != nil {
				alias = s.Alias.Aliasname
			}
			out = append(out, fromRelation{alias: alias})
		}
	}
	return out
}

// starColumns expands * (qual empty) or rel.*.
func starColumns(from []fromRelation, qual []string) ([]string, bool) {
	var out []string
	for _, r := range from {
		if len(qual) > 0 && r.alias != qual[len(qual)-1] {
			continue
		}
		if r.cols == nil {
			return nil, false
		}
		out = append(out, r.cols...)
		if len(qual) > 0 {
			return out, true
		}
	}
	return out, len(qual) == 0 && len(from) > 0
}

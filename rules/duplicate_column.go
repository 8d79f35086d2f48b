package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// DuplicateColumn flags a statement that names one column twice, which the
// grammar accepts and PostgreSQL rejects when the statement runs.
var DuplicateColumn = register(&analysis.Rule{
	ID:       "duplicate-column",
	Severity: analysis.Error,
	Summary:  "a column named twice: the statement fails when it runs",
	Doc: "PostgreSQL's grammar accepts a column named twice, but the statement fails when it runs, and with it the " +
		"deploy (with Prisma, the migration is then recorded as failed and blocks every later deploy until resolved " +
		"by hand): twice in CREATE TABLE or ALTER TABLE ... ADD COLUMN, in an INSERT's or MERGE INSERT's column list, " +
		"in the output of a view, CREATE TABLE AS or SELECT INTO (two `a.id`, or two unnamed expressions both called " +
		"`?column?`) with SQLSTATE 42701 (duplicate_column); twice in the SET of an UPDATE, ON CONFLICT DO UPDATE or " +
		"MERGE UPDATE with SQLSTATE 42601 (multiple assignments to same column). Name each column once; give the " +
		"outputs of a view distinct aliases.",
	Bad: `-- CreateView
CREATE VIEW "PostAuthor" AS SELECT "Post"."id", "User"."id", "User"."email" FROM "Post" JOIN "User" ON "User"."id" = "Post"."authorId";`,
	Good: `-- CreateView
CREATE VIEW "PostAuthor" AS SELECT "Post"."id" AS "postId", "User"."id" AS "userId", "User"."email" FROM "Post" JOIN "User" ON "User"."id" = "Post"."authorId";`,
	Run: runDuplicateColumn,
})

// named is a column name written at a place of the statement.
type named struct {
	name string
	at   int
}

// duplicateSets are the lists of the statement whose names must differ,
// each with the SQLSTATE PostgreSQL fails with.
func duplicateSets(n *pg.Node) (lists [][]named, code string, what string) {
	switch {
	case n.GetCreateStmt() != nil:
		var l []named
		for _, e := range n.GetCreateStmt().TableElts {
			if d := e.GetColumnDef(); d != nil {
				l = append(l, named{d.Colname, int(d.Location)})
			}
		}
		return [][]named{l}, "42701", "column %s is defined twice"
	case n.GetAlterTableStmt() != nil:
		var l []named
		for _, c := range n.GetAlterTableStmt().Cmds {
			cmd := c.GetAlterTableCmd()
			if d := cmd.GetDef().GetColumnDef(); cmd.GetSubtype() == pg.AlterTableType_AT_AddColumn && d != nil && !cmd.MissingOk {
				l = append(l, named{d.Colname, int(d.Location)})
			}
		}
		return [][]named{l}, "42701", "column %s is added twice"
	case n.GetInsertStmt() != nil:
		s := n.GetInsertStmt()
		lists = [][]named{targets(s.Cols)}
		if oc := s.OnConflictClause; oc != nil && oc.Action == pg.OnConflictAction_ONCONFLICT_UPDATE {
			return append(lists, targets(oc.TargetList)), "", ""
		}
		return lists, "42701", "column %s is specified more than once"
	case n.GetUpdateStmt() != nil:
		return [][]named{targets(n.GetUpdateStmt().TargetList)}, "42601", "multiple assignments to column %s"
	case n.GetMergeStmt() != nil:
		for _, w := range n.GetMergeStmt().MergeWhenClauses {
			lists = append(lists, targets(w.GetMergeWhenClause().TargetList))
		}
		return lists, "", ""
	case n.GetViewStmt() != nil:
		v := n.GetViewStmt()
		return [][]named{outputNames(v.Query, v.Aliases)}, "42701", "the view has two columns named %s"
	case n.GetCreateTableAsStmt() != nil:
		c := n.GetCreateTableAsStmt()
		return [][]named{outputNames(c.Query, c.Into.GetColNames())}, "42701", "the result has two columns named %s"
	case n.GetSelectStmt().GetIntoClause() != nil:
		s := n.GetSelectStmt()
		return [][]named{outputNames(n, s.IntoClause.ColNames)}, "42701", "the result has two columns named %s"
	}
	return nil, "", ""
}

func runDuplicateColumn(p *analysis.Pass) {
	lists, code, what := duplicateSets(p.Stmt.Node)
	for i, l := range lists {
		c, w := code, what
		if c == "" { // INSERT ... ON CONFLICT's SET and MERGE: a SET list, or an INSERT column list
			c, w = setListKind(p.Stmt.Node, i)
		}
		if d, ok := firstDuplicate(l); ok {
			p.ReportAt(columnSpan(p, d), analysis.Report{
				Message: fmt.Sprintf("%s: the statement fails with SQLSTATE %s when it runs, and the deploy with it",
					fmt.Sprintf(w, sqltext.Ident(d.name)), c),
				Help: "Name the column once (give the outputs of a query distinct aliases with AS); check the statement with " +
					"`psql` against a scratch database before deploying.",
			})
		}
	}
}

// setListKind tells what list i of an INSERT ... ON CONFLICT or a MERGE is.
func setListKind(n *pg.Node, i int) (string, string) {
	if n.GetInsertStmt() != nil && i == 0 {
		return "42701", "column %s is specified more than once"
	}
	if m := n.GetMergeStmt(); m != nil && m.MergeWhenClauses[i].GetMergeWhenClause().CommandType == pg.CmdType_CMD_INSERT {
		return "42701", "column %s is specified more than once"
	}
	return "42601", "multiple assignments to column %s"
}

// targets returns the column names of an INSERT column list or a SET list.
// A SET of a subfield or array element (SET a[1] = x, a[2] = y) is legal
// and left out.
func targets(rts []*pg.Node) []named {
	var out []named
	for _, n := range rts {
		if rt := n.GetResTarget(); rt != nil && len(rt.Indirection) == 0 {
			out = append(out, named{rt.Name, int(rt.Location)})
		}
	}
	return out
}

// outputNames returns the names of a query's output columns as PostgreSQL
// chooses them, aliases first; "" for one it cannot tell (which then
// matches nothing). A query with * is left out: its columns are the tables'.
func outputNames(q *pg.Node, aliases []*pg.Node) []named {
	s := q.GetSelectStmt()
	for s != nil && s.Op != pg.SetOperation_SETOP_NONE {
		s = s.Larg
	}
	if s == nil || s.ValuesLists != nil {
		return nil
	}
	var out []named
	for i, n := range s.TargetList {
		rt := n.GetResTarget()
		if rt == nil {
			return nil
		}
		name := rt.Name
		if name == "" {
			var star bool
			name, star = figureColname(rt.Val)
			if star {
				return nil
			}
		}
		if i < len(aliases) {
			name = aliases[i].GetString_().GetSval()
		}
		out = append(out, named{name, int(rt.Location)})
	}
	return out
}

// figureColname is PostgreSQL's FigureColname for the expressions whose name
// it is sure of: a column's name, a function's, "?column?" for an operator or
// a constant. star reports a *.
func figureColname(n *pg.Node) (name string, star bool) {
	switch {
	case n.GetColumnRef() != nil:
		f := n.GetColumnRef().Fields
		last := f[len(f)-1]
		if last.GetAStar() != nil {
			return "", true
		}
		return last.GetString_().GetSval(), false
	case n.GetFuncCall() != nil:
		f := n.GetFuncCall().Funcname
		return f[len(f)-1].GetString_().GetSval(), false
	case n.GetAConst() != nil, n.GetAExpr() != nil:
		return "?column?", false
	case n.GetTypeCast() != nil:
		if name, star := figureColname(n.GetTypeCast().Arg); name != "?column?" || star {
			return name, star
		}
		t := n.GetTypeCast().TypeName.GetNames()
		return t[len(t)-1].GetString_().GetSval(), false
	}
	return "", false
}

// firstDuplicate returns the second naming of the first name given twice.
func firstDuplicate(l []named) (named, bool) {
	seen := map[string]bool{}
	for _, n := range l {
		if n.name == "" {
			continue
		}
		if seen[n.name] {
			return n, true
		}
		seen[n.name] = true
	}
	return named{}, false
}

// columnSpan is the name at d, or the statement when its place is unknown.
func columnSpan(p *analysis.Pass, d named) sqlfile.Span {
	if d.at < p.Stmt.Start || d.at >= p.Stmt.End {
		return p.StmtSpan()
	}
	for _, t := range p.File.Tokens(d.at, p.Stmt.End) {
		return sqlfile.Span{Start: int(t.Start), End: int(t.End)}
	}
	return sqlfile.Span{Start: d.at, End: d.at + 1}
}

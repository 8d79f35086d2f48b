package rules

import (
	"strings"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/pgast"
)

// walkNodes calls f on n and on every node below it, depth first.
func walkNodes(n *pg.Node, f func(*pg.Node)) { pgast.Walk(n, f) }

// parseTreeVersion is the version stamp Deparse demands on a parse tree.
var parseTreeVersion = sync.OnceValue(func() int32 {
	r, _ := pg.Parse("SELECT")
	return r.GetVersion()
})

// deparseStmt renders a statement node as SQL.
func deparseStmt(stmt *pg.Node) (string, bool) {
	s, err := pg.Deparse(&pg.ParseResult{Version: parseTreeVersion(), Stmts: []*pg.RawStmt{{Stmt: stmt}}})
	return s, err == nil
}

// deparseExpr renders an expression as SQL, through `SELECT expr`.
func deparseExpr(expr *pg.Node) (string, bool) {
	sel := &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{pg.MakeResTargetNodeWithVal(expr, -1)},
	}}}
	s, ok := deparseStmt(sel)
	return strings.TrimPrefix(s, "SELECT "), ok
}

// deparseType renders a type name as SQL, through `NULL::type`.
func deparseType(tn *pg.TypeName) (string, bool) {
	null := &pg.Node{Node: &pg.Node_AConst{AConst: &pg.A_Const{Isnull: true, Location: -1}}}
	s, ok := deparseExpr(&pg.Node{Node: &pg.Node_TypeCast{TypeCast: &pg.TypeCast{Arg: null, TypeName: tn, Location: -1}}})
	return strings.TrimPrefix(s, "NULL::"), ok
}

// qualifyColumn returns a copy of expr in which every unqualified reference
// to col reads rel.col, as a trigger's NEW.col.
func qualifyColumn(expr *pg.Node, col, rel string) *pg.Node {
	out := proto.Clone(expr).(*pg.Node)
	walkNodes(out, func(n *pg.Node) {
		if ref := n.GetColumnRef(); ref != nil && len(ref.Fields) == 1 && ref.Fields[0].GetString_().GetSval() == col {
			ref.Fields = append([]*pg.Node{pg.MakeStrNode(rel)}, ref.Fields...)
		}
	})
	return out
}

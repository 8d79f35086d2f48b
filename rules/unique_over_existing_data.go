package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// UniqueOverExistingData flags a concurrent unique index build on a table
// that may already hold duplicates.
var UniqueOverExistingData = register(&analysis.Rule{
	ID:       "unique-over-existing-data",
	Severity: analysis.Notice,
	Summary:  "unique index built over existing rows that may hold duplicates",
	Doc: "A unique index over a table that already holds rows fails with SQLSTATE 23505 as soon as two rows share a " +
		"key, although it passed on a development database. Prisma warns about it in the migration header (\"A unique " +
		"constraint covering the columns ... will be added. If there are existing duplicate values, this will fail.\"). " +
		"A failed CREATE UNIQUE INDEX CONCURRENTLY also leaves an INVALID index behind, which slows every write until it " +
		"is dropped, and Prisma records the migration as failed, so later deploys stop (P3009). Run the query in the fix " +
		"against production first. This rule reports concurrent builds; a plain CREATE UNIQUE INDEX and ADD CONSTRAINT " +
		"... UNIQUE are reported by require-concurrent-index and unique-constraint-without-index, whose fixes carry the " +
		"same check. An index whose columns include those of an existing unique index is not reported: it cannot find " +
		"duplicates.",
	Bad: `-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "Post_title_key" ON "Post"("title");`,
	Good: `-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "User_email_role_key" ON "User"("email", "role");`,
	Run: runUniqueOverExistingData,
})

func runUniqueOverExistingData(p *analysis.Pass) {
	s := p.Stmt.Node.GetIndexStmt()
	if s == nil || !s.Unique || !s.Concurrent || s.Relation == nil {
		return
	}
	table := catalog.RangeName(s.Relation)
	if !existing(p, table) || provablyUnique(p.Schema, table, indexColumns(s)) {
		return
	}
	query := indexDuplicatesQuery(s)
	if query == "" {
		return
	}
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("CREATE UNIQUE INDEX CONCURRENTLY %s fails with 23505 if %s already holds two rows with the same key: the "+
			"failed build leaves an INVALID index that slows every write until it is dropped, and Prisma records the migration "+
			"as failed (later deploys stop with P3009)", ident(s.Idxname), table),
		Help: "Before deploying, run the query below against production: it must return no row. Resolve the duplicates it lists " +
			"(a data migration that merges or deletes them), and make sure the running code cannot create new ones. If the " +
			"build fails anyway, drop the INVALID index with DROP INDEX CONCURRENTLY, mark the migration with `prisma migrate " +
			"resolve --rolled-back <migration>` and deploy again.",
		Fix: query,
	})
}

// indexColumns returns the plain columns of an index, "" for an expression.
func indexColumns(s *pg.IndexStmt) []string {
	var out []string
	for _, n := range s.IndexParams {
		out = append(out, n.GetIndexElem().GetName())
	}
	return out
}

// provablyUnique reports whether an existing unique index of the table
// covers a subset of cols: then no two rows can share the new key.
func provablyUnique(s *catalog.Catalog, table catalog.Name, cols []string) bool {
	for _, ix := range s.IndexesOn(table) {
		if ix.Unique && len(ix.Columns) > 0 && !slices.ContainsFunc(ix.Columns, func(c string) bool {
			return c == "" || !slices.Contains(cols, c)
		}) {
			return true
		}
	}
	return false
}

// indexDuplicatesQuery returns the query that lists the keys a unique index
// would reject, with a comment saying it must return no row; "" for an index
// whose elements cannot be rendered. require-concurrent-index can append it
// to its fix for a plain CREATE UNIQUE INDEX.
func indexDuplicatesQuery(s *pg.IndexStmt) string {
	var keys []string
	for _, n := range s.IndexParams {
		e := n.GetIndexElem()
		if e.GetName() != "" {
			keys = append(keys, ident(e.Name))
			continue
		}
		expr, ok := deparseExpr(e.GetExpr())
		if !ok {
			return ""
		}
		keys = append(keys, "("+expr+")")
	}
	where := ""
	if s.WhereClause != nil {
		w, ok := deparseExpr(s.WhereClause)
		if !ok {
			return ""
		}
		where = w
	}
	return duplicatesQuery(catalog.RangeName(s.Relation), keys, where, s.NullsNotDistinct)
}

// duplicatesQuery returns the query that lists the values of keys (column
// names or parenthesised expressions, as SQL) that more than one row of table
// holds, among the rows matching where (SQL, or ""). Rows with a NULL key
// never conflict unless nullsNotDistinct. unique-constraint-without-index can
// append it to its fix for ADD CONSTRAINT ... UNIQUE / PRIMARY KEY, with
// nullsNotDistinct true for a primary key (whose NULLs nullsQuery finds).
func duplicatesQuery(table catalog.Name, keys []string, where string, nullsNotDistinct bool) string {
	var conds []string
	if !nullsNotDistinct {
		for _, k := range keys {
			conds = append(conds, k+" IS NOT NULL")
		}
	}
	if where != "" {
		conds = append(conds, "("+where+")")
	}
	filter := ""
	if len(conds) > 0 {
		filter = " WHERE " + strings.Join(conds, " AND ")
	}
	list := strings.Join(keys, ", ")
	return fmt.Sprintf("-- Must return no row before the unique index is built (each row is a duplicated key):\n"+
		"SELECT %s, count(*) FROM %s%s GROUP BY %s HAVING count(*) > 1 LIMIT 10;", list, table, filter, list)
}

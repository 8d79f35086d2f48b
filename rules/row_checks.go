// Queries a finding offers to find the rows that would make a statement
// fail: duplicate keys, NULLs.

package rules

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// indexDuplicatesQuery returns the query that lists the keys a unique index
// would reject, with a comment saying it must return no row; "" for an index
// whose elements cannot be rendered. require-concurrent-index can append it
// to its fix for a plain CREATE UNIQUE INDEX.
func indexDuplicatesQuery(s *pg.IndexStmt) string {
	var keys []string
	for _, n := range s.IndexParams {
		e := n.GetIndexElem()
		if e.GetName() != "" {
			keys = append(keys, sqltext.Ident(e.Name))
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

// nullsQuery returns the query that counts the rows of table holding NULL
// in any of cols, with a comment saying it must return 0. set-not-null can
// append it to its fix.
func nullsQuery(table catalog.Name, cols ...string) string {
	conds := make([]string, len(cols))
	for i, c := range cols {
		conds[i] = sqltext.Ident(c) + " IS NULL"
	}
	return fmt.Sprintf("-- Must return 0 before the column becomes NOT NULL (each counted row would make it fail):\n"+
		"SELECT count(*) FROM %s WHERE %s;", table, strings.Join(conds, " OR "))
}

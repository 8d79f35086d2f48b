package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// UpdateOrDeleteWithoutWhere flags an UPDATE or DELETE of every row of a
// table that may hold data.
var UpdateOrDeleteWithoutWhere = register(&analysis.Rule{
	ID:       "update-or-delete-without-where",
	Severity: analysis.Error,
	Summary:  "UPDATE or DELETE without WHERE on an existing table",
	Doc: "An UPDATE or DELETE without WHERE touches every row of the table in one statement, inside the " +
		"migration's transaction: each changed row stays locked until the migration commits, so concurrent " +
		"updates and deletes of the table wait (for minutes on a large table), every row gets a new version " +
		"(table bloat and a burst of WAL that replicas must replay), and a forgotten WHERE cannot be undone " +
		"without a backup. When every row really must change, run it as a batched data migration outside the " +
		"schema migration, and mark the statement with a suppression that says why. Tables created in the same " +
		"migration are not reported.",
	Bad: `-- Backfill
UPDATE "Post" SET "published" = true;`,
	Good: `-- Backfill
UPDATE "Post" SET "published" = true WHERE "id" IN (1, 2, 3);`,
	Run: runUpdateOrDeleteWithoutWhere,
})

func runUpdateOrDeleteWithoutWhere(p *analysis.Pass) {
	var rel *pg.RangeVar
	var what, effect string
	switch s := p.Stmt.Node.Node.(type) {
	case *pg.Node_UpdateStmt:
		if s.UpdateStmt.WhereClause != nil {
			return
		}
		rel, what, effect = s.UpdateStmt.Relation, "UPDATE", "rewrites every row of %[1]s in one transaction: each row stays "+
			"locked until the migration commits, so concurrent UPDATE and DELETE of %[1]s wait, and every row gets a new "+
			"version (bloat, a burst of WAL)"
	case *pg.Node_DeleteStmt:
		if s.DeleteStmt.WhereClause != nil {
			return
		}
		rel, what, effect = s.DeleteStmt.Relation, "DELETE", "deletes every row of %[1]s for good, in one transaction that "+
			"keeps each row locked until the migration commits (concurrent UPDATE and DELETE of %[1]s wait)"
	default:
		return
	}
	table := catalog.RangeName(rel)
	if !existing(p, table) {
		return
	}
	p.ReportStmt(
		what+" without WHERE "+fmt.Sprintf(effect, table),
		"Add the WHERE that selects the rows you mean. If every row must really change, take it out of the schema "+
			"migration and run it in batches (below), each its own short transaction, and suppress this finding with the "+
			"reason: `-- migrate-guard-ignore update-or-delete-without-where -- <reason>`. "+prismaBatches,
		batchFix(p.Schema, p.Stmt.Node, table))
}

package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// UpdateOrDeleteWithoutWhere flags an UPDATE or DELETE of every row of a
// table that may hold data.
var UpdateOrDeleteWithoutWhere = register(&analysis.Rule{
	ID:             "update-or-delete-without-where",
	NamesHeldLocks: true,
	Severity:       analysis.Error,
	Summary:        "UPDATE or DELETE without WHERE on an existing table",
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
	Requires: []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runUpdateOrDeleteWithoutWhere,
})

func runUpdateOrDeleteWithoutWhere(p *analysis.Pass) {
	table, ok := unboundedChange(p)
	if !ok {
		return
	}
	until := "the migration commits"
	if aloneInTransaction(p) {
		until = "it commits"
	}
	msg := "UPDATE without WHERE rewrites every row of %[1]s in one transaction: each row stays locked until %[2]s, " +
		"so concurrent UPDATE and DELETE of %[1]s wait, and every row gets a new version (bloat, a burst of WAL)"
	if p.Stmt.Node.GetDeleteStmt() != nil {
		msg = "DELETE without WHERE deletes every row of %[1]s for good, in one transaction that keeps each row locked " +
			"until %[2]s (concurrent UPDATE and DELETE of %[1]s wait)"
	}
	msg = fmt.Sprintf(msg, table, until)
	if held := append(heldOn(p, locks.Tables(stmtLocks(p))), heldElsewhere(p)...); len(held) > 0 {
		msg += "; and the whole time it runs under " + describeLocks(p, held)
	}
	p.ReportStmt(analysis.Report{
		Message: msg,
		Help: "Add the WHERE that selects the rows you mean. If every row must really change, take it out of the schema " +
			"migration and run it in batches (below), each its own short transaction, and suppress this finding with the " +
			"reason: `-- migrate-guard-ignore update-or-delete-without-where -- <reason>`. " + prismaBatches,
		Fix: batchFix(p.Schema, p.Stmt.Node, table),
	})
}

// unboundedChange returns the table of an UPDATE or DELETE without WHERE on
// a table that may hold rows.
func unboundedChange(p *analysis.Pass) (catalog.Name, bool) {
	var rel *pg.RangeVar
	switch s := p.Stmt.Node.Node.(type) {
	case *pg.Node_UpdateStmt:
		if s.UpdateStmt.WhereClause == nil {
			rel = s.UpdateStmt.Relation
		}
	case *pg.Node_DeleteStmt:
		if s.DeleteStmt.WhereClause == nil {
			rel = s.DeleteStmt.Relation
		}
	}
	if rel == nil {
		return catalog.Name{}, false
	}
	table := catalog.RangeName(rel)
	return table, existing(p, table)
}

package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// NonTransactionalInTransaction flags a statement PostgreSQL refuses inside a
// transaction block when the file runs it in one.
var NonTransactionalInTransaction = register(&analysis.Rule{
	ID:       "non-transactional-in-transaction",
	Severity: analysis.Error,
	Summary:  "statement that cannot run in a transaction, in a migration that runs as one",
	Doc: "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, DETACH PARTITION CONCURRENTLY, " +
		"CREATE/DROP DATABASE, ALTER SYSTEM and, before PostgreSQL 12, ALTER TYPE ... ADD VALUE refuse to run " +
		"inside a transaction block. Prisma sends a migration.sql as one query, and PostgreSQL runs a query " +
		"holding several statements as one implicit transaction, so such a statement fails unless it is the only " +
		"statement of its file; BEGIN ... COMMIT around it fails the same way. The deploy stops with SQLSTATE " +
		"25001 and Prisma records the migration as failed, so every later `prisma migrate deploy` refuses to " +
		"run (P3009) until someone resolves it by hand.",
	Bad: `-- CreateIndex
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");

-- CreateIndex
CREATE INDEX CONCURRENTLY "Post_published_idx" ON "Post"("published");`,
	Good: `-- CreateIndex
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");`,
	Run: runNonTransactionalInTransaction,
})

func runNonTransactionalInTransaction(p *analysis.Pass) {
	kind := analysis.NonTransactional(p.Stmt.Node, p.PGVersion)
	if kind == "" || !p.InTx() {
		return
	}
	why := fmt.Sprintf("this file holds %d statements, which Prisma sends as one query that PostgreSQL runs as one transaction", len(p.File.Stmts))
	if p.Tx[p.Stmt.Index].Explicit {
		why = "it sits inside BEGIN ... COMMIT"
	}
	p.ReportStmt(
		fmt.Sprintf("%s cannot run inside a transaction block and %s: the deploy fails with SQLSTATE 25001 "+
			"(\"%s cannot run inside a transaction block\"), Prisma records the migration as failed, and later deploys "+
			"refuse to run until it is resolved", kind, why, kind),
		"Move the statement into a migration folder of its own that holds nothing else (no BEGIN/COMMIT): one "+
			"statement per file is the only layout that works with every Prisma version and with `migrate-guard deploy`. "+
			"If a deploy already failed on this migration, fix it, then mark it with "+
			"`prisma migrate resolve --rolled-back <migration>` and deploy again. "+prismaMove,
		"-- prisma/migrations/<timestamp>_<name>/migration.sql, holding only this statement:\n"+p.File.Text(p.Stmt)+terminator(p.File, p.Stmt))
}

package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
)

// NonTransactionalInTransaction flags a statement PostgreSQL refuses inside a
// transaction block when the file runs it in one.
var NonTransactionalInTransaction = register(&analysis.Rule{
	ID:       "non-transactional-in-transaction",
	Severity: analysis.Error,
	Summary:  "statement that cannot run in a transaction, in a migration that runs as one",
	Doc: "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, DETACH PARTITION CONCURRENTLY, " +
		"CREATE/DROP DATABASE, ALTER SYSTEM and, before PostgreSQL 12, ALTER TYPE ... ADD VALUE refuse to run " +
		"inside a transaction block. Prisma before 7.4 sends a migration.sql as one query, and PostgreSQL runs a query " +
		"holding several statements as one implicit transaction, so such a statement fails unless it is the only " +
		"statement of its file; BEGIN ... COMMIT around it fails the same way. Prisma 7.4 and later send each " +
		"statement on its own, so the statement runs, except in a file that holds a statement Prisma's SQL parser " +
		"(sqlparser-rs 0.62) cannot read, such as DROP INDEX CONCURRENTLY or a DO block: Prisma then sends the " +
		"whole file as one query, as before 7.4. migrate-guard deploy runs such a file statement by statement. " +
		"The rule follows deployed-by, or the Prisma version in package.json. The deploy stops with SQLSTATE " +
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
	kind := execution.NonTransactional(p.Stmt.Node, p.PGVersion)
	if kind == "" || !p.InTx() {
		return
	}
	why := p.Plan.WhyInTransaction(p.File, p.Stmt.Index)
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("%s cannot run inside a transaction block and %s: the deploy fails with SQLSTATE 25001 "+
			"(\"%s cannot run inside a transaction block\"), Prisma records the migration as failed, and later deploys "+
			"refuse to run until it is resolved", kind, why, kind),
		Help: "Move the statement into a migration folder of its own that holds nothing else (no BEGIN/COMMIT): one " +
			"statement per file is the only layout that works with every Prisma version and with `migrate-guard deploy`" +
			splitterNote(p) + ". " +
			"If a deploy already failed on this migration, fix it, then mark it with " +
			"`prisma migrate resolve --rolled-back <migration>` and deploy again. " + prismaMove,
		Fix: "-- prisma/migrations/<timestamp>_<name>/migration.sql, holding only this statement:\n" + p.File.Text(p.Stmt) + terminator(p.File, p.Stmt),
	})
}

// splitterNote tells a Prisma 7.4+ user what made the file fall back to one
// query, when that is why the statement runs in a transaction.
func splitterNote(p *analysis.Pass) string {
	fb := p.Plan.Fallback
	if fb == nil || fb.Stmt < 0 {
		return ""
	}
	return fmt.Sprintf("; with %s, a file runs statement by statement only when its SQL parser can read every "+
		"statement, and it cannot read the %s on line %d (prisma-engines #5847)",
		p.Plan.Runner.Name(), fb.What, p.File.Position(p.File.Stmts[fb.Stmt].Start).Line)
}

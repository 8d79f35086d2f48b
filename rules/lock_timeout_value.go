package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// LockTimeoutValue flags a SET lock_timeout that turns the timeout off or
// lets a statement wait longer than max-lock-timeout.
var LockTimeoutValue = register(&analysis.Rule{
	ID:       "lock-timeout-value",
	Severity: analysis.Warning,
	Summary:  "lock_timeout set to 0 (no timeout) or longer than max-lock-timeout",
	Doc: "While a statement waits for a lock, every later query on the table that conflicts with that lock " +
		"queues behind it; lock_timeout is how long that may last. `SET lock_timeout = 0` turns the timeout off " +
		"(it also cancels the one `migrate-guard deploy` sets), so a migration stuck behind a long query stalls " +
		"the table for as long as the query runs. A long value such as '1min' does the same for up to a minute. " +
		"The rule flags a value of 0 or one above max-lock-timeout in migrate-guard.toml (default 10s), read as " +
		"PostgreSQL reads it: ms, s, min, h, d, and a plain number in milliseconds. statement_timeout is not " +
		"judged: it bounds the work, not the wait, and 0 (no limit, the default) is what a long index build needs.",
	Bad: `SET lock_timeout = '1min';

-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	Good: `SET lock_timeout = '5s';

-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	Run: runLockTimeoutValue,
})

func runLockTimeoutValue(p *analysis.Pass) {
	v := p.Stmt.Node.GetVariableSetStmt()
	d, ok := setValue(v, "lock_timeout")
	if !ok || v.IsLocal && !p.InTx() || d > 0 && d <= p.MaxLockTimeout {
		return // SET LOCAL outside a transaction does nothing: set-local-outside-transaction says so
	}
	at := tokenAt(p, int(v.Args[0].GetAConst().Location))
	written := p.File.Src[at.Start:at.End]
	msg := fmt.Sprintf("lock_timeout = %s turns the lock timeout off, including the one `migrate-guard deploy` sets: "+
		"each later statement waits for its locks as long as it takes, and while it waits in the lock queue every "+
		"conflicting query on its table waits behind it", written)
	if d > 0 {
		msg = fmt.Sprintf("lock_timeout = %s lets each later statement wait up to %s for its locks, and while it waits "+
			"in the lock queue every conflicting query on its table waits behind it: up to %[2]s of stalled traffic, "+
			"above max-lock-timeout (%s)", written, formatTimeout(d), formatTimeout(p.MaxLockTimeout))
	}
	suggested := sqltext.Literal(suggestedLockTimeout(p))
	p.ReportAt(at, analysis.Report{
		Message: msg,
		Help: "Keep lock_timeout at a few seconds and deploy again when a statement times out (SQLSTATE 55P03): a failed " +
			"attempt costs nothing, a long wait stalls the table. max-lock-timeout in migrate-guard.toml sets the " +
			"longest value accepted. With Prisma: create the migration with `prisma migrate dev --create-only`, " +
			"change the SET line in migration.sql as below, then apply it with `prisma migrate dev`.",
		Fix: withReplacements(p.File, p.StmtSpan(), []replacement{{at, suggested}}) + terminator(p.File, p.Stmt),
	})
}

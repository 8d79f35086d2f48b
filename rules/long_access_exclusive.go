package rules

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/locks"
)

// LongAccessExclusive flags a slow statement that runs while an earlier
// statement of its transaction holds an ACCESS EXCLUSIVE lock on a table
// that may serve traffic.
var LongAccessExclusive = register(&analysis.Rule{
	ID:       "long-access-exclusive",
	Severity: analysis.Warning,
	Summary:  "slow statement while the transaction holds an ACCESS EXCLUSIVE lock on another table",
	Doc: "A lock lasts until the transaction ends, and Prisma runs a migration.sql holding several statements as one " +
		"transaction. An ALTER TABLE that is instant on its own (ADD COLUMN, DROP COLUMN, a NOT VALID constraint) takes " +
		"an ACCESS EXCLUSIVE lock and keeps it while the rest of the migration runs: when a later statement is slow (an " +
		"index build, a table rewrite, a full scan, a backfill, a copy), every read and write of the locked table waits " +
		"for it. The rule reports the tables locked this way, once per transaction, at its first slow statement that " +
		"no other rule reports: the rules of index builds, constraint checks, rewrites and backfills name these tables " +
		"in their own findings, beside the statement's own table. The locks an enum replacement block takes on its own " +
		"tables are enum-value-removal's. Committing before the slow statement, in a separate migration, releases the " +
		"lock. Tables created in the same migration are not counted: nobody queries them yet.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "lastPostAt" TIMESTAMP(3);

-- Backfill
UPDATE "Post" SET "published" = true WHERE "views" > 100;`,
	Good: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "lastPostAt" TIMESTAMP(3);`,
	ReadsReports: true, // leaves to the NamesHeldLocks rules the statements they report
	Requires:     []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult, longWaitsResult},
	Run:          runLongAccessExclusive,
})

func runLongAccessExclusive(p *analysis.Pass) {
	for _, i := range longWaitsResult.Of(p)[p.Tx[p.Stmt.Index].ID] {
		if reportedWithHeldLocks(p, i) {
			continue // its own rule names the locks
		}
		if i != p.Stmt.Index {
			return // one finding per transaction (the same split fixes the later ones), at the first left
		}
		reportLongWait(p)
		return
	}
}

func reportLongWait(p *analysis.Pass) {
	slow, _ := slowStatement(p)
	blocked := blockedDuring(p, slow)
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("%s, and the whole time it runs under %s", slow.what, describeLocks(p, blocked)),
		Help: "Commit before the slow statement: move it, with the statements after it, into a separate, later migration, so " +
			"the ACCESS EXCLUSIVE lock is released before the slow work starts (or run it before the statement that takes " +
			"the lock). Run backfills in batches that each commit. " + prismaMove,
		Fix: restOfTransaction(p),
		// The table locked first waits for all the work done from then on.
		Impact: heldImpact(p, blocked[0].Table, locks.AccessExclusive, blocked[0].From.Index),
	})
}

// longWaitsResult holds, for each transaction of the file, the statements
// that are slow while an earlier one holds ACCESS EXCLUSIVE locks that
// matter, in order.
var longWaitsResult = analysis.NewResult("slow statements under held ACCESS EXCLUSIVE locks", func(p *analysis.Pass) map[int][]int {
	out := map[int][]int{}
	at := *p
	for _, s := range p.File.Stmts {
		at.Stmt, at.Schema = s, p.SchemaAt(s.Index)
		if at.InTx() && isLongWait(&at) {
			out[p.Tx[s.Index].ID] = append(out[p.Tx[s.Index].ID], s.Index)
		}
	}
	return out
}, locksResult, heldPrefixResult, enumSwapsResult)

// isLongWait reports whether the current statement is slow while an earlier
// one of its transaction holds ACCESS EXCLUSIVE locks that matter.
func isLongWait(p *analysis.Pass) bool {
	slow, ok := slowStatement(p)
	return ok && len(blockedDuring(p, slow)) > 0
}

// reportedWithHeldLocks reports whether a rule whose findings name the
// held locks (Rule.NamesHeldLocks) reported statement i: this rule then
// leaves the statement to it.
func reportedWithHeldLocks(p *analysis.Pass, i int) bool {
	return p.ReportedBy(i, func(r *analysis.Rule) bool { return r.NamesHeldLocks })
}

// restOfTransaction is the fix: the current statement and the rest of its
// transaction, as a migration of their own.
func restOfTransaction(p *analysis.Pass) string {
	var b strings.Builder
	b.WriteString("-- End this migration before this statement; a separate, later migration then holds:\n")
	for _, s := range txStatements(p, p.Stmt.Index) {
		b.WriteString(p.File.Text(s) + terminator(p.File, s) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

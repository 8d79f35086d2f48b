package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// LockTable flags an explicit LOCK TABLE in a mode that blocks the
// application's reads or writes.
var LockTable = register(&analysis.Rule{
	ID:       "lock-table",
	Severity: analysis.Warning,
	Summary:  "explicit LOCK TABLE that blocks reads or writes",
	Doc: "LOCK TABLE takes a lock (ACCESS EXCLUSIVE unless IN ... MODE says otherwise) that lasts until the migration's " +
		"transaction ends, not just for the next statement: in SHARE mode and stronger it blocks writes, in ACCESS " +
		"EXCLUSIVE mode reads too, for the rest of the migration. While it waits for running queries, every new " +
		"query it conflicts with queues behind it. Each statement already takes the lock it needs, only for as long as " +
		"necessary; an explicit lock is rarely needed, and when it is, a lock timeout keeps the wait short. Outside a " +
		"transaction (a migration holding only this statement) LOCK TABLE fails with SQLSTATE 25P01.",
	Bad: `BEGIN;
LOCK TABLE "Post" IN ACCESS EXCLUSIVE MODE;
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
COMMIT;`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;`,
	Requires:     []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	ReadsReports: true, // its estimate adds up the work the sizing rules reported in the transaction
	Run:          runLockTable,
})

func runLockTable(p *analysis.Pass) {
	s := p.Stmt.Node.GetLockStmt()
	if s == nil || !locks.Mode(s.Mode).BlocksQueries() {
		return
	}
	var tables []catalog.Name
	for _, l := range stmtLocks(p) {
		if existing(p, l.Table) {
			tables = append(tables, l.Table)
		}
	}
	if len(tables) == 0 {
		return
	}
	msg := fmt.Sprintf("LOCK TABLE takes, until the migration commits, %s; while it waits for running queries, every new "+
		"query it conflicts with queues behind it", underLocks(p, tables...))
	var im *analysis.Impact
	if p.InTx() {
		im = heldImpact(p, tables[0], locks.Mode(s.Mode), p.Stmt.Index)
	} else {
		msg = "LOCK TABLE outside a transaction block fails with SQLSTATE 25P01 (\"LOCK TABLE can only be used in " +
			"transaction blocks\"): this migration holds only this statement, which PostgreSQL runs on its own"
	}
	p.ReportStmt(analysis.Report{
		Message: msg,
		Help: "Remove the LOCK TABLE: every statement takes the lock it needs itself. If the explicit lock is deliberate " +
			"(to keep writers out between statements), keep the migration short and bound the wait. " + lockTimeoutHelp(p) + prismaEdit,
		Fix: "-- Usually: delete the LOCK TABLE statement. If the lock is needed, bound the wait for it:\n" +
			withLockTimeout(p),
		Impact: im,
	})
}

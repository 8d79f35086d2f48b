package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/sqlfile"
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
	Run: runLongAccessExclusive,
})

func runLongAccessExclusive(p *analysis.Pass) {
	first := p.Memo("long-access-exclusive", func() any { return firstLongWaits(p) }).(map[int]int)
	if i, ok := first[p.Tx[p.Stmt.Index].ID]; !ok || i != p.Stmt.Index {
		return // one finding per transaction: the same split fixes the later ones
	}
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

// firstLongWaits returns, for each transaction of the file, the first
// statement that is slow while an earlier one holds ACCESS EXCLUSIVE locks
// that matter.
func firstLongWaits(p *analysis.Pass) map[int]int {
	out := map[int]int{}
	at := *p
	for _, s := range p.File.Stmts {
		at.Stmt, at.Schema = s, p.SchemaAt(s.Index)
		tx := p.Tx[s.Index].ID
		if _, done := out[tx]; done || !at.InTx() {
			continue
		}
		if slow, ok := slowStatement(&at); ok && len(blockedDuring(&at, slow)) > 0 && !reportedWithHeldLocks(&at) {
			out[tx] = s.Index
		}
	}
	return out
}

// slowStatementRules report slow statements naming, besides the locks on
// their own tables, the ACCESS EXCLUSIVE locks the transaction holds on
// other tables meanwhile (underSlow, heldElsewhere).
var slowStatementRules = []*analysis.Rule{
	RequireConcurrentIndex, BackfillInMigration, UpdateOrDeleteWithoutWhere, ConstraintMissingNotValid,
	UniqueConstraintWithoutIndex, ExclusionConstraint, SetNotNull, ColumnTypeRewrite, ValidateInSameTransaction,
	AddingSerialColumn, AddingIdentityColumn, AddingStoredGeneratedColumn, VolatileDefault, SetLoggedUnlogged,
	SetTablespace, VacuumFullOrCluster, RequireConcurrentReindex, DropPrimaryKey,
}

// reportedWithHeldLocks reports whether one of slowStatementRules that is
// on reports the current statement: its finding already names the tables
// this rule would, so this rule leaves the statement to it.
func reportedWithHeldLocks(p *analysis.Pass) bool {
	q := *p
	reported := false
	q.Report = func(analysis.Diagnostic) { reported = true }
	for _, r := range slowStatementRules {
		if p.Enabled != nil && !p.Enabled(r.ID) {
			continue // turned off: this rule must still say what the statement blocks
		}
		if r.Run(&q); reported {
			return true
		}
	}
	return false
}

// heldElsewhere returns the ACCESS EXCLUSIVE locks earlier statements of the
// transaction hold on tables that may serve traffic and that the current
// statement does not work on, in the order they were taken.
func heldElsewhere(p *analysis.Pass) []governing { return blockedDuring(p, slowWork{owned: true}) }

// blockedDuring returns the ACCESS EXCLUSIVE locks earlier statements of the
// transaction hold on tables that may serve traffic, leaving out the tables
// the slow statement works on when its own rule speaks for them (or when
// it locks them as strongly itself), and the locks an enum replacement block
// takes for itself (enum-value-removal reports them), in the order they were
// taken.
func blockedDuring(p *analysis.Pass, slow slowWork) []governing {
	own := stmtLocks(p)
	var blocked []governing
	for t, h := range heldBefore(p) {
		if h.Mode != locks.AccessExclusive || sameEnumBlock(p, h.Stmt.Index, p.Stmt.Index) {
			continue
		}
		if l, mine := locks.Strongest(own, t); mine && (slow.owned || l.Mode == locks.AccessExclusive) {
			continue
		}
		blocked = append(blocked, governing{h.Lock, h.Stmt})
	}
	sort.Slice(blocked, func(i, j int) bool {
		if blocked[i].From.Start != blocked[j].From.Start {
			return blocked[i].From.Start < blocked[j].From.Start
		}
		return blocked[i].Table.String() < blocked[j].Table.String()
	})
	return blocked
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

// txStatements returns the statements of the current transaction from
// statement from on, without BEGIN, COMMIT and the like.
func txStatements(p *analysis.Pass, from int) []*sqlfile.Stmt {
	tx := p.Tx[p.Stmt.Index].ID
	var out []*sqlfile.Stmt
	for _, s := range p.File.Stmts[from:] {
		if p.Tx[s.Index].ID != tx {
			break
		}
		if _, isTx := execution.TxKind(s.Node); !isTx {
			out = append(out, s)
		}
	}
	return out
}

package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// RequireLockTimeout flags the first statement of a file that queues for a
// lock blocking reads or writes on an existing table with no lock_timeout
// set. It is off by default because `migrate-guard deploy` sets
// lock_timeout itself; the lint configuration turns it on (as a warning)
// when deployed-by says another tool runs the migrations.
var RequireLockTimeout = register(&analysis.Rule{
	ID:       "require-lock-timeout",
	Severity: analysis.Off,
	Summary:  "statement that locks an existing table runs with no lock_timeout",
	Doc: "A lock request waits in a queue behind the locks already held, and every later request that " +
		"conflicts with it waits behind it. An ALTER TABLE that needs ACCESS EXCLUSIVE on a busy table " +
		"therefore waits for the longest running query or open transaction on it, and for all that time every " +
		"SELECT, INSERT, UPDATE and DELETE on the table queues behind the ALTER: one slow report or one " +
		"idle-in-transaction session turns a millisecond migration into an outage. `SET lock_timeout` makes " +
		"the statement give up instead (SQLSTATE 55P03) and the migration fail cleanly, to be retried. " +
		"`prisma migrate deploy` sets no lock_timeout. The rule flags the first statement of a file that takes " +
		"a lock blocking reads or writes on a table that existed before the file, when no SET lock_timeout " +
		"(or SET LOCAL lock_timeout in the same transaction) precedes it. It is off by default because " +
		"`migrate-guard deploy` runs every migration under its own lock_timeout; with `deployed-by = \"prisma\"` " +
		"or `\"other\"` in migrate-guard.toml it is on, as a warning.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	Good: `SET lock_timeout = '5s';

-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	Run: runRequireLockTimeout,
})

// unboundedWait is the statement of a file that first waits for a blocking
// lock with no lock_timeout set, and that lock; Index is -1 when none does.
type unboundedWait struct {
	Index int
	Lock  locks.Lock
}

func runRequireLockTimeout(p *analysis.Pass) {
	w := firstUnboundedWait(p)
	if w.Index != p.Stmt.Index {
		return
	}
	timeout := suggestedLockTimeout(p)
	table := joinNames([]catalog.Name{w.Lock.Table})
	p.ReportStmt(
		fmt.Sprintf("the statement waits for %s lock on %s (%s) with no lock_timeout set: behind a long-running query "+
			"or an open transaction on the table it waits as long as they last, and while it waits in the lock queue "+
			"it already %s",
			withArticle(w.Lock.Mode), table, w.Lock.Why, w.Lock.Mode.Blocks().On(table)),
		"Set lock_timeout at the top of the migration, so that the statement gives up after "+timeout+" (SQLSTATE 55P03) "+
			"instead of stalling the table; the migration then fails as a whole and can be deployed again when the "+
			"long query is gone. A plain SET lasts for the session; SET LOCAL lasts until the transaction ends and "+
			"does nothing outside one. With Prisma: create the migration with `prisma migrate dev --create-only`, add "+
			"the SET line at the top of migration.sql, and apply it with `prisma migrate dev`; after a lock timeout in "+
			"production, run `prisma migrate resolve --rolled-back <migration>` and deploy again. `migrate-guard deploy` "+
			"sets lock_timeout and retries by itself (then set deployed-by = \"migrate-guard\").",
		fmt.Sprintf("SET lock_timeout = '%s';\n%s%s", timeout, p.File.Text(p.Stmt), terminator(p.File, p.Stmt)))
}

// firstUnboundedWait finds, once per file, the first statement that takes
// a lock blocking reads or writes on a table that existed before the file
// while no SET lock_timeout of the file is in effect.
func firstUnboundedWait(p *analysis.Pass) unboundedWait {
	return p.Memo("require-lock-timeout", func() any {
		set := lockTimeoutSet(p)
		for i := range p.File.Stmts {
			if set[i] {
				continue
			}
			if l, ok := blockingLock(p, i); ok {
				return unboundedWait{i, l}
			}
		}
		return unboundedWait{Index: -1}
	}).(unboundedWait)
}

// blockingLock returns the strongest lock statement i takes that blocks
// reads or writes on a table that existed before the file. A lock on a
// table the model cannot name counts: unknown tables are assumed to exist.
func blockingLock(p *analysis.Pass, i int) (locks.Lock, bool) {
	var best locks.Lock
	found := false
	for _, l := range locksAt(p, i) {
		e := l.Mode.Blocks()
		if !e.Reads && !e.Writes || p.SchemaAt(i).IsNew(l.Table) {
			continue
		}
		if !found || l.Mode > best.Mode {
			best, found = l, true
		}
	}
	return best, found
}

// withArticle writes "an ACCESS EXCLUSIVE" or "a SHARE".
func withArticle(m locks.Mode) string {
	switch m.String()[0] {
	case 'A', 'E':
		return "an " + m.String()
	}
	return "a " + m.String()
}

package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
)

// RequireLockTimeout flags the first statement of a run that queues for a
// lock blocking reads or writes on an existing table with no lock_timeout
// set, when the runner sets none itself (Prisma, plain SQL runners). The
// danger belongs to the deploy rather than to one migration, so the engine
// reports it once per run, counting the others.
var RequireLockTimeout = register(&analysis.Rule{
	ID:         "require-lock-timeout",
	Severity:   analysis.Warning,
	OncePerRun: true,
	Summary:    "statement that locks an existing table runs with no lock_timeout (runners that set none)",
	Doc: "A lock request waits in a queue behind the locks already held, and every later request that " +
		"conflicts with it waits behind it. An ALTER TABLE that needs ACCESS EXCLUSIVE on a busy table " +
		"therefore waits for the longest running query or open transaction on it, and for all that time every " +
		"SELECT, INSERT, UPDATE and DELETE on the table queues behind the ALTER: one slow report or one " +
		"idle-in-transaction session turns a millisecond migration into an outage. A lock_timeout makes " +
		"the statement give up instead (SQLSTATE 55P03), to be retried. `prisma migrate deploy` and plain SQL " +
		"runners set no lock_timeout; `migrate-guard deploy` runs every migration under one and retries, so the " +
		"rule is silent when it deploys (and when nothing says which runner deploys). The danger belongs to the " +
		"deploy, not to one migration, so the rule reports once per run: on the first statement that waits with " +
		"no lock_timeout, with the count of the others. The fixes, best first: deploy with `migrate-guard deploy`; " +
		"set a lock_timeout once for the role that deploys (`ALTER ROLE ... SET lock_timeout`); or start each " +
		"migration with `SET lock_timeout`, which also holds when Prisma 7.4+ sends the statements one by one " +
		"on its one session.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	Good: `SET lock_timeout = '5s';

-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	ExampleRunner: "prisma",
	Requires:      []analysis.Result{unboundedWaitResult},
	Run:           runRequireLockTimeout,
})

// unboundedWait is the statement of a file that first waits for a blocking
// lock with no lock_timeout set, and that lock; Index is -1 when none does.
type unboundedWait struct {
	Index int
	Lock  locks.Lock
}

func runRequireLockTimeout(p *analysis.Pass) {
	if p.Plan.Runner.SetsLockTimeout() {
		return
	}
	w := unboundedWaitResult.Of(p)
	if w.Index != p.Stmt.Index {
		return
	}
	timeout := suggestedLockTimeout(p)
	table := joinNames([]catalog.Name{w.Lock.Table})
	outcome := "the migration then fails as a whole and can be deployed again when the long query is gone"
	if !p.Plan.Atomic() {
		outcome = "the deploy then stops at this statement; statements of the file before it stay applied"
	}
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("the statement waits for %s lock on %s (%s) with no lock_timeout set, and %s sets none: behind a "+
			"long-running query or an open transaction on the table it waits as long as they last, and while it waits "+
			"in the lock queue it already %s",
			english.WithArticle(w.Lock.Mode.String()), table, w.Lock.Why, p.Plan.Runner.Name(), w.Lock.Mode.Blocks().On(table)),
		Help: "Bound every lock wait of the deploy, best first: (1) deploy with `migrate-guard deploy`, which runs each " +
			"migration under a lock_timeout and retries on timeout (then set deployed-by = \"migrate-guard\"); (2) set " +
			"one lock_timeout for the role that deploys, once: `ALTER ROLE <deployer> SET lock_timeout = '" + timeout + "'` " +
			"(every new session of that role gets it, so give the application a role of its own); (3) start each " +
			"migration with `SET lock_timeout = '" + timeout + "';` — a plain SET lasts for the session, so it also holds " +
			"when Prisma 7.4+ sends the statements one by one; SET LOCAL would end with the first statement's " +
			"transaction. On a timeout (SQLSTATE 55P03) " + outcome + "; with Prisma, run " +
			"`prisma migrate resolve --rolled-back <migration>` and deploy again.",
		Fix: fmt.Sprintf("-- Once, as the role that deploys:\nALTER ROLE CURRENT_USER SET lock_timeout = %s;\n"+
			"-- Or at the top of the migration:\n%s\n%s%s",
			sqltext.Literal(timeout), sqltext.SetLockTimeout(timeout, false), p.File.Text(p.Stmt), terminator(p.File, p.Stmt)),
	})
}

// unboundedWaitResult finds, once per file, the first statement that takes
// a lock blocking reads or writes on a table that existed before the file
// while no SET lock_timeout of the file is in effect.
var unboundedWaitResult = analysis.NewResult("first statement waiting for a lock without lock_timeout", func(p *analysis.Pass) unboundedWait {
	set := lockTimeoutSetResult.Of(p)
	for i := range p.File.Stmts {
		if set[i] {
			continue
		}
		if l, ok := blockingLock(p, i); ok {
			return unboundedWait{i, l}
		}
	}
	return unboundedWait{Index: -1}
}, lockTimeoutSetResult, locksResult)

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

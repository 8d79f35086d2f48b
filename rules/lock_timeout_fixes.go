// The lock_timeout a fix runs its statements under, with the value that
// max-lock-timeout allows (suggestedLockTimeout): every fix that sets one
// builds it here.

package rules

import (
	"strings"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// lockTimeoutFix is the fix for a statement that has no online form: run
// it with a lock timeout, so that it fails instead of queueing every query
// on the table behind its lock while it waits.
func lockTimeoutFix(p *analysis.Pass) string {
	return "-- No online form exists: run it when traffic is low, with a lock timeout so that it fails (and can be\n" +
		"-- retried) instead of queueing every query on the table behind it while it waits for the lock:\n" +
		withLockTimeout(p)
}

// withLockTimeout is the current statement under a lock_timeout that holds
// the way the runner sends the file: SET LOCAL inside a transaction; outside
// one (Prisma 7.4+ sends each statement on its own) SET LOCAL would end with
// its own statement, so a plain SET, reset after the statement.
func withLockTimeout(p *analysis.Pass) string {
	stmt := p.File.Text(p.Stmt) + terminator(p.File, p.Stmt)
	timeout := suggestedLockTimeout(p)
	if p.InTx() || len(p.File.Stmts) == 1 && !p.Plan.Runner.Splits() {
		return sqltext.SetLockTimeout(timeout, true) + "\n" + stmt
	}
	return sqltext.SetLockTimeout(timeout, false) + "\n" + stmt + "\nRESET lock_timeout;"
}

// lockTimeoutHelp explains withLockTimeout.
func lockTimeoutHelp(p *analysis.Pass) string {
	if strings.HasPrefix(withLockTimeout(p), "SET LOCAL") {
		return "SET LOCAL lock_timeout bounds the wait for the lock (SET LOCAL lasts until the migration's " +
			"transaction ends); it does not shorten the time the lock is then held. "
	}
	return "SET lock_timeout bounds the wait for the lock; it is a plain SET because " + p.Plan.Runner.Name() +
		" runs this statement in a transaction of its own, where SET LOCAL would end before it; it does not " +
		"shorten the time the lock is then held. "
}

// setLockTimeout is prepended to the quick but ACCESS EXCLUSIVE statements
// the fixes suggest, so they give up instead of queueing behind a long query
// while every later read and write of the table queues behind them. A plain
// SET works whether Prisma sends the file as one query or statement by
// statement (SET LOCAL would not); the value follows max-lock-timeout.
func setLockTimeout(p *analysis.Pass) string {
	return sqltext.SetLockTimeout(suggestedLockTimeout(p), false) + "\n"
}

// suggestedLockTimeout is the lock_timeout fixes propose: 5s, or the
// configured maximum when that is shorter.
func suggestedLockTimeout(p *analysis.Pass) string {
	return formatTimeout(min(5*time.Second, p.MaxLockTimeout))
}

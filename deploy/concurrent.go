package deploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY and
// the like) wait, after taking their lock, for every transaction older than
// them to end, and lock_timeout bounds those waits too. They hold only SHARE
// UPDATE EXCLUSIVE meanwhile, which blocks no query of the application, so
// they run under Options.ConcurrentLockTimeout, a long bound, instead of the
// short --lock-timeout.

// prismaLockWait is how long `prisma migrate deploy` waits for the migration
// lock before it gives up (P1002). Its session stays blocked in
// pg_advisory_lock after that, holding a snapshot; tests shorten it.
var prismaLockWait = 10 * time.Second

// waiterPoll is how often the wait for migration-lock waiters looks again.
var waiterPoll = 250 * time.Millisecond

// runConcurrent runs a statement that cannot run in a transaction, then
// records its completion. A failed build leaves an INVALID index behind: it
// is dropped, and lock timeouts and deadlocks are retried with backoff.
func (a *applier) runConcurrent(ctx context.Context, m *migration, s *sqlfile.Stmt, what string, logs string) error {
	if err := a.setLockTimeout(a.opts.ConcurrentLockTimeout); err != nil {
		return err
	}
	defer func() { _ = a.setLockTimeout(a.opts.LockTimeout) }()
	a.watcher.waiting = func(blockers string) {
		a.opts.say("  %s in %s is waiting for %s to end; it blocks no query meanwhile (up to --concurrent-lock-timeout %s)",
			what, m.Name, blockers, a.opts.ConcurrentLockTimeout)
	}
	defer func() { a.watcher.waiting = nil }()
	for attempt := 0; ; attempt++ {
		if err := a.clearLockWaiters(ctx, what); err != nil {
			return err
		}
		before := a.invalidIndexes(context.Background())
		_, err := a.run(ctx, m.File.Text(s))
		if err == nil {
			_, err = a.conn.Exec(context.Background(), a.hist.logsSQL(a.rowID, logs))
			return historyErr(err, "recording the progress of "+m.Name+" in", "UPDATE")
		}
		left := newNames(before, a.invalidIndexes(context.Background()))
		if ctx.Err() != nil {
			return &concurrentError{err: err, invalid: left}
		}
		dropped, kept := a.dropIndexes(left)
		if !isRetriable(err) || attempt >= a.opts.Retries {
			return &concurrentError{err: err, dropped: dropped, invalid: kept, blockers: a.watcher.describe()}
		}
		wait := backoff(attempt)
		a.opts.say("  %s in %s (%s)%s%s; retrying in %s (%d of %d)", retryReason(err), m.Name, what, droppedNote(dropped), a.watcher.describe(), wait, attempt+1, a.opts.Retries)
		if sleep(ctx, wait) != nil {
			return &concurrentError{err: ctx.Err()}
		}
	}
}

// concurrentError is a failed non-transactional statement, with the
// indexes its build left behind.
type concurrentError struct {
	err      error
	dropped  []string // invalid indexes of the failed build, dropped
	invalid  []string // invalid indexes of the failed build still there
	blockers string
}

func (e *concurrentError) Error() string { return e.err.Error() }
func (e *concurrentError) Unwrap() error { return e.err }

func droppedNote(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "; dropped the invalid index " + strings.Join(names, ", ") + " it left"
}

func (a *applier) setLockTimeout(d time.Duration) error {
	_, err := a.conn.Exec(context.Background(), fmt.Sprintf("SET lock_timeout = %d", d.Milliseconds()))
	return err
}

// clearLockWaiters deals with sessions of this database blocked in
// pg_advisory_lock on the migration lock we hold, as `prisma migrate
// deploy` does while we run. Such a session holds a snapshot the build
// waits for, while it waits for our lock: PostgreSQL breaks the cycle by
// failing one of the two, usually the build. Prisma's client gives up after
// prismaLockWait, but its session stays blocked on the server until our lock
// is released, so waiting alone does not help. We wait until each waiter
// has waited that long, then cancel its lock wait (it has done nothing and
// its client has given up), and say so. A waiter we may not cancel is named;
// a deadlock is then retried.
func (a *applier) clearLockWaiters(ctx context.Context, what string) error {
	told, cancelled := map[int]bool{}, map[int]bool{}
	for {
		ws, err := a.lockWaiters()
		if err != nil || len(ws) == 0 {
			return err
		}
		waiting := false
		for _, w := range ws {
			if w.waited < prismaLockWait {
				waiting = true
				if !told[w.pid] {
					a.opts.say("  %s would deadlock with %s, which waits for the migration lock this deploy holds; waiting up to %s for it to give up",
						what, w.desc, (prismaLockWait - w.waited).Round(time.Second))
					told[w.pid] = true
				}
				continue
			}
			if cancelled[w.pid] {
				waiting = true // the cancel is on its way
				continue
			}
			var ok bool
			if err := a.conn.QueryRow(bg, "SELECT pg_cancel_backend($1)", w.pid).Scan(&ok); err != nil || !ok {
				a.opts.say("  %s may deadlock with %s, which waits for the migration lock this deploy holds, and which this role may not cancel (%v); a deadlock is retried",
					what, w.desc, errOr(err, "pg_cancel_backend returned false"))
				return nil
			}
			cancelled[w.pid] = true
			a.opts.say("  cancelled the migration-lock wait of %s: it waited %s, longer than Prisma waits for the lock, and would deadlock with %s",
				w.desc, w.waited.Round(time.Second), what)
		}
		if waiting {
			if err := sleep(ctx, waiterPoll); err != nil {
				return err
			}
		}
	}
}

func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

// lockWaiter is a session waiting for the migration lock.
type lockWaiter struct {
	pid    int
	waited time.Duration
	desc   string
}

// lockWaiters lists the sessions of this database waiting for the migration
// lock. pg_locks is visible to every role; pg_stat_activity says what the
// role may see.
func (a *applier) lockWaiters() ([]lockWaiter, error) {
	rows, err := a.conn.Query(bg, `SELECT l.pid, coalesce(now() - l.waitstart, '0'), `+sessionColumns+`
		FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND NOT l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
		AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY l.pid`, advisoryLockKey)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (lockWaiter, error) {
		var w lockWaiter
		var s session
		err := r.Scan(append([]any{&w.pid, &w.waited}, s.dest()...)...)
		s.pid = w.pid
		w.desc = s.String()
		return w, err
	})
}

// invalidIndexes lists the invalid indexes of the database by oid.
func (a *applier) invalidIndexes(ctx context.Context) map[uint32]string {
	rows, err := a.conn.Query(ctx, `SELECT indexrelid, indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid`)
	if err != nil {
		return nil
	}
	out := map[uint32]string{}
	for rows.Next() {
		var oid uint32
		var name string
		if rows.Scan(&oid, &name) == nil {
			out[oid] = name
		}
	}
	rows.Close()
	return out
}

// newNames returns the names in after that are not in before.
func newNames(before, after map[uint32]string) []string {
	var out []string
	for oid, name := range after {
		if _, ok := before[oid]; !ok {
			out = append(out, name)
		}
	}
	return out
}

// dropIndexes drops invalid indexes left by a failed build.
func (a *applier) dropIndexes(names []string) (dropped, kept []string) {
	for _, n := range names {
		if err := a.dropIndex(context.Background(), n); err != nil {
			a.opts.say("  could not drop the invalid index %s: %v", n, err)
			kept = append(kept, n)
			continue
		}
		dropped = append(dropped, n)
	}
	return dropped, kept
}

// dropIndex drops an index concurrently; a signal cancels it.
func (a *applier) dropIndex(ctx context.Context, name string) error {
	_, err := a.run(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name)
	return err
}

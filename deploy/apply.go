package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// execMode is how a migration is sent to the server.
type execMode int

const (
	// modeTx runs the file in one transaction with its history row: all or
	// nothing, so a failure or a killed deploy leaves no trace but the
	// failed row. Lock timeouts are retried.
	modeTx execMode = iota
	// modeScript sends the file as one query, as Prisma does, because the
	// file manages its own transactions (BEGIN/COMMIT).
	modeScript
	// modeStatements runs each statement on its own because the file cannot
	// run in one transaction: a statement refuses a transaction block
	// (CREATE INDEX CONCURRENTLY and the like), or a new enum value is used
	// after the statement that adds it (55P04 until that commits).
	modeStatements
	// modeEmpty records a migration with no statements.
	modeEmpty
)

// migration is one migration file read from disk.
type migration struct {
	Name     string
	Path     string
	Checksum string
	File     *sqlfile.File // File.Errors is not empty when the parser rejected the file
	mode     execMode
}

func readMigration(name, path string, pgVersion int) (*migration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	parse := sqlfile.Parse
	if len(data) > leanSize {
		parse = parseLean
	}
	f, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	m := &migration{Name: name, Path: path, Checksum: Checksum(data), File: f}
	m.mode = modeOf(f, pgVersion)
	return m, nil
}

// modeOf is how the execution model says migrate-guard runs the file.
func modeOf(f *sqlfile.File, pgVersion int) execMode {
	if len(f.Stmts) == 0 && len(f.Errors) == 0 {
		return modeEmpty
	}
	switch execution.Build(f, execution.Runner{Kind: execution.MigrateGuard}, pgVersion).Mode {
	case execution.Atomic:
		return modeTx
	case execution.Statements:
		return modeStatements
	}
	return modeScript
}

// applier runs migrations on one connection that holds the advisory lock.
// The connection's queries run to completion: a cancelled ctx (a signal)
// cancels the running statement with a cancel request instead of dropping
// the connection, so that its outcome is known and recorded.
type applier struct {
	conn    *pgx.Conn
	hist    *history
	opts    *Options
	watcher *watcher
	version int    // the server's major version
	rowID   string // the history row of the migration running statement by statement
}

// bg is the context of the applier's own bookkeeping queries, which must
// not be cut off halfway by a signal.
var bg = context.Background()

// apply runs one migration and records it; res continues a failed
// statement-by-statement run.
func (a *applier) apply(ctx context.Context, m *migration, res *resumePoint) error {
	switch m.mode {
	case modeEmpty:
		id := newID()
		_, err := a.conn.Exec(bg, a.hist.startSQL(id, m.Name, m.Checksum, "")+a.hist.finishSQL(id))
		return historyErr(err, "recording "+m.Name+" in", "INSERT and UPDATE")
	case modeTx:
		return a.applyTx(ctx, m)
	case modeStatements:
		return a.applyStatements(ctx, m, res)
	}
	return a.applyScript(ctx, m)
}

func (a *applier) applyTx(ctx context.Context, m *migration) error {
	for attempt := 0; ; attempt++ {
		done, err := a.tryTx(ctx, m)
		if err == nil {
			return nil
		}
		var he *HistoryError
		switch {
		case ctx.Err() != nil:
			merr := a.migrationError(m, err, done, 0)
			merr.Interrupted = true
			merr.Completed = "interrupted: the running statement was cancelled and the migration's transaction rolled back; nothing of it is applied and it stays pending"
			return merr
		case errors.As(err, &he):
			return err
		case isRetriable(err) && attempt < a.opts.Retries:
			wait := backoff(attempt)
			a.opts.say("  %s in %s%s; retrying in %s (%d of %d)", retryReason(err), m.Name, a.watcher.describe(), wait, attempt+1, a.opts.Retries)
			_ = sleep(ctx, wait) // an interruption is reported by the next attempt
			continue
		case isRetriable(err):
			merr := a.migrationError(m, err, done, 0)
			merr.BlockedBy = a.watcher.describe()
			merr.Completed = fmt.Sprintf("gave up after %d retries; the transaction rolled back: nothing of it is applied and it stays pending (no failed row): deploy again when the blocking session is gone", a.opts.Retries)
			return merr
		}
		return a.failed(m, err, done, 0)
	}
}

// tryTx runs the file and its history row in one transaction, in two round
// trips: BEGIN, the timeouts and the row's INSERT travel with the file, the
// row's UPDATE with the COMMIT. It returns how many of the file's statements
// completed before an error.
func (a *applier) tryTx(ctx context.Context, m *migration) (done int, err error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	id := newID()
	timeouts, n := a.timeoutsSQL(true)
	head := "BEGIN;\n" + timeouts + a.hist.startSQL(id, m.Name, m.Checksum, "")
	defer func() {
		if err != nil && a.inTx() {
			_, _ = a.conn.Exec(bg, "ROLLBACK")
		}
	}()
	done, err = a.run(ctx, head+m.File.Src)
	if done -= n + 2; done < 0 { // the head failed: none of the file ran
		return 0, historyErr(err, "recording the start of "+m.Name+" in", "INSERT")
	}
	if err != nil {
		return done, inFile(err, utf8.RuneCountInString(head))
	}
	_, err = a.conn.Exec(bg, a.hist.finishSQL(id)+"COMMIT")
	if isPermission(err) {
		return done, historyErr(err, "recording "+m.Name+" as applied in", "UPDATE")
	}
	return done, err
}

// inFile makes the position of an error in SQL sent after a head of chars
// characters count from the start of the file; an error in the head has no
// position in the file.
func inFile(err error, chars int) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Position > 0 {
		pe.Position = max(pe.Position-int32(chars), 0)
	}
	return err
}

// applyScript sends the whole file as one query, as Prisma does, for files
// that manage their own transactions.
func (a *applier) applyScript(ctx context.Context, m *migration) error {
	id, err := a.startOutsideTx(m, "")
	if err != nil {
		return err
	}
	done, err := a.run(ctx, m.File.Src)
	if err == nil && a.inTx() {
		err = errOpenTx
	}
	if err != nil {
		// A failure after the file's BEGIN leaves its transaction aborted:
		// end it, or the failure cannot be recorded.
		if a.inTx() {
			_, _ = a.conn.Exec(bg, "ROLLBACK")
		}
		defer a.resetTimeouts()
		merr := a.migrationError(m, err, done, 0)
		if ctx.Err() != nil {
			merr.Interrupted = true
			merr.Completed = "interrupted: the running statement was cancelled; what the file committed before it stays applied"
		}
		return a.recordFailure(m, id, merr, "")
	}
	return a.finishOutsideTx(id, m)
}

// startOutsideTx records the start of a migration that runs outside a
// transaction of ours and sets the session's timeouts, in one round trip.
func (a *applier) startOutsideTx(m *migration, logs string) (string, error) {
	id := newID()
	timeouts, _ := a.timeoutsSQL(false)
	_, err := a.conn.Exec(bg, a.hist.startSQL(id, m.Name, m.Checksum, logs)+timeouts)
	return id, historyErr(err, "recording the start of "+m.Name+" in", "INSERT")
}

// finishOutsideTx marks the row applied and resets the timeouts.
func (a *applier) finishOutsideTx(id string, m *migration) error {
	_, err := a.conn.Exec(bg, a.hist.finishSQL(id)+resetTimeoutsSQL)
	return historyErr(err, "recording "+m.Name+" as applied in", "UPDATE")
}

// errOpenTx is a file that began a transaction and did not end it: the
// deploy's connection would commit or drop its work at some later point.
var errOpenTx = errors.New("the migration ran BEGIN without a matching COMMIT; its transaction was rolled back — end it with COMMIT")

// inTx reports whether the connection is inside a transaction block.
func (a *applier) inTx() bool { return a.conn.PgConn().TxStatus() != 'I' }

// applyStatements runs each statement on its own, recording after each how
// many completed, so that a failed or killed run can be resumed from the
// first statement not completed. res is such a run to continue.
func (a *applier) applyStatements(ctx context.Context, m *migration, res *resumePoint) error {
	n, from := len(m.File.Stmts), 0
	if res == nil {
		id, err := a.startOutsideTx(m, progressLogs(0, n))
		if err != nil {
			return err
		}
		a.rowID = id
	} else {
		a.rowID, from = res.row.ID, res.done
		timeouts, _ := a.timeoutsSQL(false)
		if _, err := a.conn.Exec(bg, timeouts); err != nil {
			return err
		}
		if from < n {
			a.opts.say("resuming %s at statement %d of %d (line %d): an earlier deploy completed the %d before it",
				m.Name, from+1, n, m.File.Position(m.File.Stmts[from].Start).Line, from)
		} else {
			a.opts.say("resuming %s: an earlier deploy completed its %d statements but did not record it as applied", m.Name, n)
		}
	}
	defer a.resetTimeouts()
	for i := from; i < n; i++ {
		s := m.File.Stmts[i]
		if ctx.Err() != nil {
			return a.statementFailed(ctx, m, res, ctx.Err(), i)
		}
		if res != nil && i == from {
			done, err := a.alreadyApplied(ctx, m, s)
			if err != nil {
				return a.statementFailed(ctx, m, res, err, i)
			}
			if done {
				a.opts.say("  statement %d of %s had taken effect after the earlier deploy lost its connection; not running it again", i+1, m.Name)
				if _, err := a.conn.Exec(bg, a.hist.logsSQL(a.rowID, progressLogs(i+1, n))); err != nil {
					return historyErr(err, "recording the progress of "+m.Name+" in", "UPDATE")
				}
				continue
			}
		}
		if err := a.runStatement(ctx, m, s, progressLogs(i+1, n)); err != nil {
			return a.statementFailed(ctx, m, res, err, i)
		}
	}
	return a.finishOutsideTx(a.rowID, m)
}

// runStatement runs one statement outside a transaction of ours and
// records its completion: a transactional statement shares an implicit
// transaction with the update of the progress, so the two are one; lock
// timeouts and deadlocks are retried.
func (a *applier) runStatement(ctx context.Context, m *migration, s *sqlfile.Stmt, logs string) error {
	if what := execution.NonTransactional(s.Node, a.version); what != "" {
		return a.runConcurrent(ctx, m, s, what, logs)
	}
	sql := m.File.Text(s) + ";\n" + a.hist.logsSQL(a.rowID, logs)
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		done, err := a.run(ctx, sql)
		if isCode(err, "25001") && done == 0 {
			// A statement PostgreSQL refuses in a transaction block that
			// the analysis does not know of: run it alone.
			return a.runConcurrent(ctx, m, s, "the statement", logs)
		}
		if done > 0 && err != nil && ctx.Err() == nil {
			// The statement and its progress roll back together.
			return historyErr(err, "recording the progress of "+m.Name+" in", "UPDATE")
		}
		if err == nil || !isRetriable(err) || attempt >= a.opts.Retries || ctx.Err() != nil {
			return err
		}
		wait := backoff(attempt)
		a.opts.say("  %s in %s%s; retrying in %s (%d of %d)", retryReason(err), m.Name, a.watcher.describe(), wait, attempt+1, a.opts.Retries)
		_ = sleep(ctx, wait)
	}
}

// statementFailed records the failure of statement i of a
// statement-by-statement run: the row keeps the progress so that the next
// deploy resumes there, except when nothing was applied because of a lock
// timeout or deadlock, where the row is deleted and the migration stays
// pending.
func (a *applier) statementFailed(ctx context.Context, m *migration, res *resumePoint, err error, i int) error {
	var he *HistoryError
	if errors.As(err, &he) {
		return err
	}
	n := len(m.File.Stmts)
	s := m.File.Stmts[i]
	merr := a.migrationError(m, err, i, s.Start)
	var ce *concurrentError
	if errors.As(err, &ce) {
		merr.InvalidIndexes, merr.DroppedIndexes, merr.BlockedBy = ce.invalid, ce.dropped, ce.blockers
	} else if isRetriable(err) {
		merr.BlockedBy = a.watcher.describe()
	}
	resumeAt := fmt.Sprintf("the next deploy resumes at statement %d (line %d) while migration.sql is unchanged", i+1, m.File.Position(s.Start).Line)
	switch {
	case ctx.Err() != nil:
		merr.Interrupted = true
		merr.Completed = fmt.Sprintf("interrupted: statement %d of %d was cancelled; the %d before it completed and stay applied; %s", i+1, n, i, resumeAt)
	case i == 0 && res == nil && isRetriable(err) && (ce == nil || len(ce.invalid) == 0):
		if ferr := a.hist.forget(bg, a.conn, a.rowID); ferr != nil {
			return errors.Join(merr, ferr)
		}
		merr.Completed = fmt.Sprintf("gave up after %d retries; nothing was applied: the migration stays pending (no failed row): deploy again when the blocking session is gone", a.opts.Retries)
		return merr
	case i == 0:
		merr.Completed = fmt.Sprintf("0 of %d statements completed before the failure; %s", n, resumeAt)
	default:
		merr.Completed = fmt.Sprintf("%d of %d statements completed before the failure; they are not rolled back; %s", i, n, resumeAt)
	}
	return a.recordFailure(m, a.rowID, merr, progressLogs(i, n))
}

// run sends SQL as one simple-protocol query and counts the statements that
// completed, so an error without a position can still name its statement.
// When ctx is cancelled meanwhile, a cancel request stops the statement
// running on the server, and run returns its error.
func (a *applier) run(ctx context.Context, sql string) (int, error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	a.watcher.begin(a.conn.PgConn().PID())
	defer a.watcher.end()
	sent := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(sent)
		cctx, cancel := context.WithTimeout(bg, 10*time.Second)
		defer cancel()
		_ = a.conn.PgConn().CancelRequest(cctx)
	})
	mrr := a.conn.PgConn().Exec(bg, sql)
	done := 0
	for mrr.NextResult() {
		if _, err := mrr.ResultReader().Close(); err == nil {
			done++
		}
	}
	err := mrr.Close()
	if !stop() {
		<-sent // the cancel request must not reach a later query
	}
	return done, err
}

// failed records a migration that failed inside its transaction: the
// transaction is gone, so a new failed row is written on its own.
func (a *applier) failed(m *migration, err error, done int, base int) error {
	merr := a.migrationError(m, err, done, base)
	id, herr := a.hist.start(bg, a.conn, m.Name, m.Checksum)
	if herr != nil {
		return errors.Join(merr, historyErr(herr, "recording the failure of "+m.Name+" in", "INSERT"))
	}
	return a.recordFailure(m, id, merr, "")
}

// recordFailure writes the error into the row's logs, below the progress
// line of a statement-by-statement run.
func (a *applier) recordFailure(m *migration, id string, merr *MigrationError, progress string) error {
	logs := merr.Error()
	if progress != "" {
		logs = progress + "\n" + logs
	}
	err := a.hist.fail(bg, a.conn, id, logs)
	if isCode(err, "57014") { // a cancel request sent for the statement arrived late
		err = a.hist.fail(bg, a.conn, id, logs)
	}
	if err != nil {
		return errors.Join(merr, historyErr(err, "recording the failure of "+m.Name+" in", "UPDATE"))
	}
	return merr
}

// timeoutsSQL sets the lock and statement timeouts, for the transaction
// only (local) or for the session, in n statements.
func (a *applier) timeoutsSQL(local bool) (sql string, n int) {
	scope := "SET "
	if local {
		scope = "SET LOCAL "
	}
	sql = scope + fmt.Sprintf("lock_timeout = %d;\n", a.opts.LockTimeout.Milliseconds())
	if a.opts.StatementTimeout > 0 {
		return sql + scope + fmt.Sprintf("statement_timeout = %d;\n", a.opts.StatementTimeout.Milliseconds()), 2
	}
	return sql, 1
}

const resetTimeoutsSQL = "RESET lock_timeout; RESET statement_timeout"

func (a *applier) resetTimeouts() {
	_, _ = a.conn.Exec(context.Background(), resetTimeoutsSQL)
}

func isCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}

// isRetriable reports an error worth retrying as it is: a lock timeout, or
// a deadlock PostgreSQL broke by failing this side.
func isRetriable(err error) bool { return isCode(err, "55P03") || isCode(err, "40P01") }

func retryReason(err error) string {
	if isCode(err, "40P01") {
		return "deadlock"
	}
	return "lock timeout"
}

// backoff is the wait before retry n (0-based): 1s, 2s, 4s, ... capped.
func backoff(n int) time.Duration {
	d := retryBase << n
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

// retryBase is the first retry's wait; tests shorten it.
var retryBase = time.Second

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

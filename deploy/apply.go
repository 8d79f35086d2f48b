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
	Name string
	Path string
	Data []byte
	File *sqlfile.File // File.Errors is not empty when the parser rejected the file
	mode execMode
}

func readMigration(name, path string, pgVersion int) (*migration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	f, err := sqlfile.Parse(path, data)
	if err != nil {
		return nil, err
	}
	m := &migration{Name: name, Path: path, Data: data, File: f}
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
type applier struct {
	conn    *pgx.Conn
	hist    *history
	opts    *Options
	watcher *watcher
}

// apply runs one migration and records it.
func (a *applier) apply(ctx context.Context, m *migration) error {
	switch m.mode {
	case modeEmpty:
		id := newID()
		_, err := a.conn.Exec(ctx, a.hist.startSQL(id, m.Name, Checksum(m.Data))+a.hist.finishSQL(id))
		return err
	case modeTx:
		return a.applyTx(ctx, m)
	case modeStatements:
		return a.applyStatements(ctx, m)
	}
	return a.applyScript(ctx, m)
}

func (a *applier) applyTx(ctx context.Context, m *migration) error {
	for attempt := 0; ; attempt++ {
		done, err := a.tryTx(ctx, m)
		if err == nil {
			return nil
		}
		if isLockTimeout(err) && attempt < a.opts.Retries {
			wait := backoff(attempt)
			a.opts.say("  lock timeout in %s%s; retrying in %s (%d of %d)", m.Name, a.watcher.describe(), wait, attempt+1, a.opts.Retries)
			if sleep(ctx, wait) != nil {
				return ctx.Err()
			}
			continue
		}
		return a.failed(ctx, m, err, done, 0)
	}
}

// tryTx runs the file and its history row in one transaction, in two round
// trips: BEGIN, the timeouts and the row's INSERT travel with the file, the
// row's UPDATE with the COMMIT. It returns how many of the file's statements
// completed before an error.
func (a *applier) tryTx(ctx context.Context, m *migration) (done int, err error) {
	id := newID()
	timeouts, n := a.timeoutsSQL(true)
	head := "BEGIN;\n" + timeouts + a.hist.startSQL(id, m.Name, Checksum(m.Data))
	defer func() {
		if err != nil && a.inTx() {
			_, _ = a.conn.Exec(context.Background(), "ROLLBACK")
		}
	}()
	done, err = a.run(ctx, head+string(m.Data))
	if done -= n + 2; done < 0 { // the head failed: none of the file ran
		done = 0
	}
	if err != nil {
		return done, inFile(err, utf8.RuneCountInString(head))
	}
	_, err = a.conn.Exec(ctx, a.hist.finishSQL(id)+"COMMIT")
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
	id, err := a.startOutsideTx(ctx, m)
	if err != nil {
		return err
	}
	done, err := a.run(ctx, string(m.Data))
	if err == nil && a.inTx() {
		err = errOpenTx
	}
	if err != nil {
		// A failure after the file's BEGIN leaves its transaction aborted:
		// end it, or the failure cannot be recorded.
		if a.inTx() {
			_, _ = a.conn.Exec(ctx, "ROLLBACK")
		}
		defer a.resetTimeouts()
		return a.recordFailure(ctx, m, id, err, done, 0)
	}
	return a.finishOutsideTx(ctx, id)
}

// startOutsideTx records the start of a migration that runs outside a
// transaction of ours and sets the session's timeouts, in one round trip.
func (a *applier) startOutsideTx(ctx context.Context, m *migration) (string, error) {
	id := newID()
	timeouts, _ := a.timeoutsSQL(false)
	_, err := a.conn.Exec(ctx, a.hist.startSQL(id, m.Name, Checksum(m.Data))+timeouts)
	return id, err
}

// finishOutsideTx marks the row applied and resets the timeouts.
func (a *applier) finishOutsideTx(ctx context.Context, id string) error {
	_, err := a.conn.Exec(ctx, a.hist.finishSQL(id)+resetTimeoutsSQL)
	return err
}

// errOpenTx is a file that began a transaction and did not end it: the
// deploy's connection would commit or drop its work at some later point.
var errOpenTx = errors.New("the migration ran BEGIN without a matching COMMIT; its transaction was rolled back — end it with COMMIT")

// inTx reports whether the connection is inside a transaction block.
func (a *applier) inTx() bool { return a.conn.PgConn().TxStatus() != 'I' }

// applyStatements runs each statement on its own. The history row is
// written first, so a failure or a killed deploy leaves a failed row that
// says how far it got.
func (a *applier) applyStatements(ctx context.Context, m *migration) error {
	id, err := a.startOutsideTx(ctx, m)
	if err != nil {
		return err
	}
	for i, s := range m.File.Stmts {
		if err := a.runStatement(ctx, m, s); err != nil {
			defer a.resetTimeouts()
			return a.recordFailure(ctx, m, id, err, i, s.Start)
		}
	}
	return a.finishOutsideTx(ctx, id)
}

// runStatement runs one statement outside a transaction, retrying lock
// timeouts for statements that leave nothing behind when they fail.
func (a *applier) runStatement(ctx context.Context, m *migration, s *sqlfile.Stmt) error {
	retriable := execution.NonTransactional(s.Node, 99) == ""
	for attempt := 0; ; attempt++ {
		_, err := a.run(ctx, m.File.Text(s))
		if err == nil || !isLockTimeout(err) || !retriable || attempt >= a.opts.Retries {
			return err
		}
		wait := backoff(attempt)
		a.opts.say("  lock timeout in %s%s; retrying in %s (%d of %d)", m.Name, a.watcher.describe(), wait, attempt+1, a.opts.Retries)
		if sleep(ctx, wait) != nil {
			return ctx.Err()
		}
	}
}

// run sends SQL as one simple-protocol query and counts the statements that
// completed, so an error without a position can still name its statement.
func (a *applier) run(ctx context.Context, sql string) (int, error) {
	a.watcher.begin(a.conn.PgConn().PID())
	defer a.watcher.end()
	mrr := a.conn.PgConn().Exec(ctx, sql)
	done := 0
	for mrr.NextResult() {
		if _, err := mrr.ResultReader().Close(); err == nil {
			done++
		}
	}
	return done, mrr.Close()
}

// failed records a migration that failed inside its transaction: the
// transaction is gone, so a new failed row is written on its own.
func (a *applier) failed(ctx context.Context, m *migration, err error, done int, base int) error {
	id, herr := a.hist.start(ctx, a.conn, m.Name, Checksum(m.Data))
	if herr != nil {
		return errors.Join(a.migrationError(m, err, done, base), herr)
	}
	return a.recordFailure(ctx, m, id, err, done, base)
}

func (a *applier) recordFailure(ctx context.Context, m *migration, id string, err error, done, base int) error {
	merr := a.migrationError(m, err, done, base)
	if isLockTimeout(err) {
		merr.BlockedBy = a.watcher.describe()
	}
	if m.mode == modeStatements {
		merr.Completed = fmt.Sprintf("%d of %d statements completed before the failure; they are not rolled back", done, len(m.File.Stmts))
		merr.InvalidIndexes = a.invalidIndexes(ctx)
	}
	if herr := a.hist.fail(context.Background(), a.conn, id, merr.Error()); herr != nil {
		return errors.Join(merr, herr)
	}
	return merr
}

// invalidIndexes lists indexes left invalid by failed concurrent builds.
func (a *applier) invalidIndexes(ctx context.Context) []string {
	rows, err := a.conn.Query(ctx, `SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid ORDER BY 1`)
	if err != nil {
		return nil
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	return names
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

func isLockTimeout(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "55P03"
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

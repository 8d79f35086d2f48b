package trace

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// plan is how the configured runner sends f: which statements share a
// transaction block.
func (t *tracer) plan(f *sqlfile.File) *execution.Plan {
	return execution.Build(f, t.opts.Config.Runner, t.opts.Config.PGVersion)
}

// runnerName names the runner in the report.
func runnerName(r execution.Runner) string {
	if s := r.String(); s != "" {
		return s
	}
	return "unset"
}

// traceFile runs a migration statement by statement as the runner would,
// observing each, and reports whether it succeeded.
func (t *tracer) traceFile(ctx context.Context, f *sqlfile.File, cat *catalog.Catalog) (bool, error) {
	if len(f.Errors) > 0 {
		return t.traceWhole(ctx, f)
	}
	plan := t.plan(f).Tx
	own, ownID := false, 0 // a transaction block the tracer opened for the runner
	for i, s := range f.Stmts {
		st := t.newStatement(f, s.Start, s.End)
		st.Predicted = locks.Of(s.Node, cat)
		tx := plan[i]
		if own && t.idle() { // the file's own COMMIT ended the block
			own = false
		}
		if own && (!tx.InTx || tx.ID != ownID) {
			if err := t.exec(ctx, "COMMIT"); err != nil {
				return t.failed(f, st, s.Start, err)
			}
			own = false
		}
		control := isControl(s)
		nonTx := execution.NonTransactional(s.Node, t.opts.Config.PGVersion) != ""
		wrap := false
		if !control && t.idle() && (tx.InTx || !nonTx) {
			// A statement run on its own commits at once; a block around it
			// changes nothing but keeps its locks in pg_locks to be read.
			if err := t.exec(ctx, "BEGIN"); err != nil {
				return false, err
			}
			own, ownID, wrap = tx.InTx, tx.ID, !tx.InTx
		}
		if serr, err := t.observe(ctx, st, control); err != nil {
			return false, err
		} else if serr != nil {
			return t.failed(f, st, s.Start, serr)
		}
		if wrap {
			if err := t.exec(ctx, "COMMIT"); err != nil {
				return t.failed(f, st, s.Start, err)
			}
		}
		applyOne(cat, s)
	}
	if !t.idle() { // the runner's block, or a BEGIN the file never committed
		if err := t.exec(ctx, "COMMIT"); err != nil {
			last := t.res.Statements[len(t.res.Statements)-1]
			return t.failed(f, last, f.Stmts[len(f.Stmts)-1].Start, err)
		}
	}
	return true, nil
}

// traceWhole runs a file pg_query cannot split as one query, as Prisma
// would, and records it as one statement: the server's grammar may be newer.
func (t *tracer) traceWhole(ctx context.Context, f *sqlfile.File) (bool, error) {
	st := t.newStatement(f, 0, len(f.Src))
	start := time.Now()
	err := t.exec(ctx, f.Src)
	st.DurationMS = ms(time.Since(start))
	if err != nil {
		return t.failed(f, st, 0, err)
	}
	return true, nil
}

func (t *tracer) newStatement(f *sqlfile.File, start, end int) *Statement {
	st := &Statement{File: f.Path, Line: f.Position(start).Line, EndLine: f.Position(max(end-1, start)).Line,
		SQL: f.Src[start:end], Locks: []Lock{}, Rewritten: []string{}, RowsOf: map[string]int64{}, TableOf: map[string]string{},
		RowsRead: map[string]int64{}, start: start, end: end}
	t.res.Statements = append(t.res.Statements, st)
	return st
}

// failed records a statement's error and rolls back what is left open. A
// server error is the trace's finding; any other error stops the trace.
func (t *tracer) failed(f *sqlfile.File, st *Statement, base int, err error) (bool, error) {
	if !t.idle() {
		t.exec(context.Background(), "ROLLBACK")
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false, err
	}
	if st.Error == nil {
		st.Error = &Error{Code: pe.Code, Message: pe.Message, Detail: pe.Detail, Hint: pe.Hint}
		st.Error.Line, st.Error.Column = errorPos(f, base, err)
	}
	return false, nil
}

func (t *tracer) idle() bool { return t.conn.PgConn().TxStatus() == 'I' }

func (t *tracer) exec(ctx context.Context, sql string) error {
	_, err := t.conn.PgConn().Exec(ctx, sql).ReadAll()
	return err
}

// observe runs one statement and records its duration, locks, rewrites and
// schema changes. In a transaction block its locks are those pg_locks shows
// after it and not before; outside one they are sampled while it runs.
func (t *tracer) observe(ctx context.Context, st *Statement, control bool) (stmtErr, err error) {
	if control { // nothing may run before it in its transaction, not even a look at the schema
		start := time.Now()
		stmtErr = t.exec(ctx, st.SQL)
		st.DurationMS = ms(time.Since(start))
		st.InTransaction = !t.idle()
		return stmtErr, nil
	}
	before, err := takeSnapshot(ctx, t.conn)
	if err != nil {
		return nil, fmt.Errorf("reading the shadow database's schema: %w", err)
	}
	pid := t.conn.PgConn().PID()
	st.InTransaction = !t.idle()
	var held map[heldLock]bool
	var readBefore map[int64]int64
	var smp *sampler
	switch {
	case st.InTransaction:
		if held, err = locksOf(ctx, t.conn, pid); err != nil {
			return nil, fmt.Errorf("reading pg_locks: %w", err)
		}
		if readBefore, err = readsOf(ctx, t.conn); err != nil {
			return nil, fmt.Errorf("reading pg_stat_xact_user_tables: %w", err)
		}
	default:
		st.Sampled = true
		smp = startSampler(ctx, t.monitor, t.block(ctx, st.Predicted), pid)
	}
	start := time.Now()
	stmtErr = t.exec(ctx, st.SQL)
	end := time.Now()
	st.DurationMS = ms(end.Sub(start))
	var took map[heldLock]bool
	if smp != nil {
		var released time.Time
		if took, released, err = smp.finish(ctx); err != nil {
			return nil, fmt.Errorf("sampling pg_locks: %w", err)
		}
		if released.After(start) && released.Before(end) {
			st.DurationMS = ms(end.Sub(released)) // the wait for the blocker is not the statement's
		}
	}
	if stmtErr != nil {
		return stmtErr, nil
	}
	for l := range held {
		if o, ok := before[key{"rel", l.oid}]; ok {
			st.HeldBefore = append(st.HeldBefore, Lock{Relation: o.name, Mode: l.mode})
		}
	}
	if held != nil && !t.idle() {
		now, err := locksOf(ctx, t.conn, pid)
		if err != nil {
			return nil, fmt.Errorf("reading pg_locks: %w", err)
		}
		took = map[heldLock]bool{}
		for l := range now {
			if !held[l] {
				took[l] = true
			}
		}
		readAfter, err := readsOf(ctx, t.conn)
		if err != nil {
			return nil, fmt.Errorf("reading pg_stat_xact_user_tables: %w", err)
		}
		for oid, n := range readAfter {
			if d := n - readBefore[oid]; d > 0 && before[key{"rel", oid}].name != "" {
				st.RowsRead[before[key{"rel", oid}].name] = d
			}
		}
	}
	after, err := takeSnapshot(ctx, t.conn)
	if err != nil {
		return nil, fmt.Errorf("reading the shadow database's schema: %w", err)
	}
	t.record(st, before, after, took)
	return nil, nil
}

// isControl reports a statement that manages the transaction itself
// (BEGIN, COMMIT, SET TRANSACTION ...): it runs as written, unobserved.
func isControl(s *sqlfile.Stmt) bool {
	if _, ok := execution.TxKind(s.Node); ok {
		return true
	}
	v := s.Node.GetVariableSetStmt()
	return v != nil && (v.Name == "TRANSACTION" || v.Name == "SESSION CHARACTERISTICS")
}

// block opens a transaction on the blocker connection holding ROW EXCLUSIVE
// on the tables of predicted, and returns it; nil when there is none.
func (t *tracer) block(ctx context.Context, predicted []locks.Lock) *pgx.Conn {
	tables := locks.Tables(predicted)
	if len(tables) == 0 {
		return nil
	}
	if _, err := t.blocker.Exec(ctx, "BEGIN"); err != nil {
		return nil
	}
	for _, n := range tables {
		if _, err := t.blocker.Exec(ctx, "LOCK TABLE "+n.String()+" IN ROW EXCLUSIVE MODE"); err != nil {
			t.blocker.Exec(ctx, "ROLLBACK") // a table the model expects but the database lacks: sample unblocked
			return nil
		}
	}
	return t.blocker
}

// record fills in a statement's locks, rewrites and changes.
func (t *tracer) record(st *Statement, before, after snapshot, took map[heldLock]bool) {
	for l := range took {
		o, ok := before[key{"rel", l.oid}]
		if !ok {
			continue // created by the statement itself
		}
		st.Locks = append(st.Locks, Lock{Relation: o.name, Mode: l.mode})
		if _, kept := after[key{"rel", l.oid}]; kept || o.table == 0 {
			t.noteRelation(st, before, l.oid)
		}
		// An index the statement dropped is locked when no query can use it
		// any more (DROP INDEX CONCURRENTLY's last step): its lock says
		// nothing about the table's queries, so it is not the table's.
	}
	sort.Slice(st.Locks, func(i, j int) bool {
		a, b := st.Locks[i], st.Locks[j]
		return a.Relation < b.Relation || a.Relation == b.Relation && modeOf(a.Mode) > modeOf(b.Mode)
	})
	c := diff(before, after)
	st.Rewritten = append(st.Rewritten, c.rewritten...)
	st.Created, st.Changed, st.Dropped = c.created, c.changed, c.dropped
	for _, oid := range c.rewrittenOIDs {
		t.noteRelation(st, before, oid)
	}
}

// noteRelation records the table of an index and the rows of a table.
func (t *tracer) noteRelation(st *Statement, snap snapshot, oid int64) {
	o := snap[key{"rel", oid}]
	table := oid
	if o.table != 0 {
		table = o.table
		st.TableOf[o.name] = snap[key{"rel", table}].name
	}
	st.RowsOf[snap[key{"rel", table}].name] = t.fill.counts[table]
}

// modeOf reads a pg_locks mode name.
func modeOf(name string) locks.Mode {
	for m := locks.AccessShare; m <= locks.AccessExclusive; m++ {
		if m.PGName() == name {
			return m
		}
	}
	return locks.None
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pgPosition is the server's 1-based character position of an error in the
// query, or 0.
func pgPosition(err error) int {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return int(pe.Position)
	}
	return 0
}

// oneLine is an error as one line: its SQLSTATE and message.
func oneLine(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return "ERROR " + pe.Code + ": " + pe.Message
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// Package trace runs a pull request's migrations on a shadow PostgreSQL
// whose tables hold synthetic rows, and reports what really happened: each
// statement's duration, the locks it took (pg_locks), the tables and
// indexes it rewrote (relfilenode before and after), its error, and the
// objects it created, changed or dropped. Findings come from what was
// observed, and a blocking lock or rewrite that no static rule predicted is
// reported as a gap in the static model (trace-unpredicted).
package trace

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/sqlfile"
	"github.com/migrate-guard/migrate-guard/stats"
)

// DefaultRows is how many synthetic rows each table gets.
const DefaultRows = 10000

// DefaultMaxRows caps the rows a table gets from a stats file, so that a
// trace of a large production stays minutes long.
const DefaultMaxRows = 100000

// DefaultMaxLock is the default --max-lock-ms: how long a statement may
// hold a lock that blocks reads or writes on a table with rows before it is
// a finding. A statement that reads the locked table's rows (a scan,
// validation or index build) is a finding however fast it was, because over
// 10,000 rows such a scan takes as long as a catalog-only change: measured
// by BenchmarkStatementCost on this project's shared 2-core machine,
// nullable ADD COLUMN, DROP COLUMN and SET DEFAULT took 0.8 to 9.5 ms, SET
// NOT NULL and ADD CHECK over 10,000 rows 1.9 to 3.6 ms, CREATE INDEX 12 to
// 28 ms; and the slowest catalog-only statements of the corpus traces, on
// a loaded machine, took 64 ms (DROP CONSTRAINT of a foreign key) and 130
// ms (ADD FOREIGN KEY from an empty table). The threshold is therefore for
// what reads no rows yet takes long (waits, functions, triggers), well
// above the slowest catalog-only change seen; being a wall-clock figure, a
// lock over it alone never makes a trace-unpredicted finding.
const DefaultMaxLock = 500 * time.Millisecond

// Options configures a trace.
type Options struct {
	// URL is the shadow database (shadow.DB.URL): empty, and dropped by the
	// caller afterwards.
	URL string
	// Rows is the number of synthetic rows per table (default DefaultRows).
	Rows int
	// MaxLock is the threshold of lock findings (default DefaultMaxLock).
	MaxLock time.Duration
	// Config is the lint configuration: the static rules compared with the
	// trace, the runner (deployed-by), the fail threshold.
	Config *lint.Config
	// Stats, when set, gives each table it knows as many rows as production
	// has, capped by MaxRows (default DefaultMaxRows); other tables get Rows.
	Stats   *stats.File
	MaxRows int
	// KeepGoing traces on after a migration fails: its tables are emptied
	// and it is replayed, so later migrations are traced too (each on
	// tables filled again). Without it a failure ends the trace, as it
	// ends a deploy.
	KeepGoing bool
}

// Result is what a trace observed. Its JSON shape is stable: Version
// changes only if a field changes meaning or disappears.
type Result struct {
	Version       int    `json:"version"`
	Runner        string `json:"runner"`
	ServerVersion string `json:"server_version"`
	RowsPerTable  int    `json:"rows_per_table"`
	// RowsFrom is "stats" when the tables the stats file knows got its row
	// counts, capped at MaxRows; RowsPerTable is then for the others.
	RowsFrom   string         `json:"rows_from,omitempty"`
	MaxRows    int            `json:"max_rows,omitempty"`
	Statements []*Statement   `json:"statements"`
	Unfilled   []Unfilled     `json:"unfilled"`
	Findings   []lint.Finding `json:"findings"`
	// Sources holds the text of the traced files, for reports that quote them.
	Sources map[string]*sqlfile.File `json:"-"`
}

// Statement is one traced statement and what PostgreSQL did running it.
type Statement struct {
	File       string  `json:"file"`
	Line       int     `json:"line"`
	EndLine    int     `json:"end_line"`
	SQL        string  `json:"sql"`
	DurationMS float64 `json:"duration_ms"`
	// Locks are the locks it took on relations that existed before it, in
	// pg_locks' mode names; locks its transaction already held are not
	// taken again and do not show.
	Locks []Lock `json:"locks"`
	// RowsRead is how many rows it read from each table, by sequential and
	// index scans (pg_stat_xact_user_tables): a validation, scan or build
	// over a table's rows, seen however fast it was. Only for statements
	// run in a transaction block.
	RowsRead map[string]int64 `json:"rows_read,omitempty"`
	// Rewritten are the tables and indexes given new storage.
	Rewritten []string `json:"rewritten"`
	Error     *Error   `json:"error"`
	Created   []string `json:"created,omitempty"`
	Changed   []string `json:"changed,omitempty"`
	Dropped   []string `json:"dropped,omitempty"`
	// InTransaction says whether it ran in a transaction block (its locks
	// are then held until the block ends).
	InTransaction bool `json:"in_transaction"`
	// Sampled says its locks were sampled from a second connection while
	// it ran, because it cannot run in a transaction block: a lock held
	// only between two samples can be missed.
	Sampled bool `json:"sampled,omitempty"`

	// HeldBefore are the locks its transaction held before it: a lock the
	// statement needs in a mode held already does not show in Locks.
	HeldBefore []Lock `json:"-"`
	// Predicted are the locks the static model (locks.Of) predicts.
	Predicted []locks.Lock `json:"-"`
	// Static are the lint findings on the statement's lines.
	Static []lint.Finding `json:"-"`
	// RowsOf holds the rows of each table it locked or rewrote, by name.
	RowsOf map[string]int64 `json:"-"`
	// TableOf maps each index it locked or rewrote to its table.
	TableOf map[string]string `json:"-"`

	start, end int // byte offsets of the statement in its file
}

// Lock is a lock a statement took on a relation.
type Lock struct {
	Relation string `json:"relation"` // schema-qualified and unquoted, as PostgreSQL prints it
	Mode     string `json:"mode"`     // as pg_locks.mode, e.g. AccessExclusiveLock
}

// Error is the error PostgreSQL returned for a statement.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
	Hint    string `json:"hint,omitempty"`
	Line    int    `json:"line,omitempty"` // where in the file the server placed the error
	Column  int    `json:"column,omitempty"`
}

// Run traces the migrations the user named in set (migrations.Migration.Lint)
// on the shadow database, after replaying the earlier ones.
func Run(ctx context.Context, sets []*migrations.Set, opts Options) (*Result, error) {
	if len(sets) != 1 {
		return nil, fmt.Errorf("trace takes one migrations directory at a time, got %d", len(sets))
	}
	if opts.Rows <= 0 {
		opts.Rows = DefaultRows
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.MaxLock <= 0 {
		opts.MaxLock = DefaultMaxLock
	}
	if opts.Config == nil {
		opts.Config = lint.DefaultConfig()
	}
	static, err := lint.Run(sets, opts.Config)
	if err != nil {
		return nil, err
	}
	t, err := newTracer(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer t.close()
	if err := t.runSet(ctx, sets[0]); err != nil {
		return nil, err
	}
	t.res.Findings = findings(t.res, static.Findings, opts)
	return t.res, nil
}

// tracer holds the shadow database's connections: conn runs the
// migrations, monitor samples locks while conn is busy, blocker holds a
// statement that cannot run in a transaction until its locks are seen.
type tracer struct {
	opts                   Options
	conn, monitor, blocker *pgx.Conn
	fill                   *filler
	res                    *Result
}

func newTracer(ctx context.Context, opts Options) (*tracer, error) {
	conn, err := pgx.Connect(ctx, opts.URL)
	if err != nil {
		return nil, fmt.Errorf("connecting to the shadow database: %w", err)
	}
	monitor, err := pgx.Connect(ctx, opts.URL)
	if err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("connecting to the shadow database: %w", err)
	}
	blocker, err := pgx.Connect(ctx, opts.URL)
	if err != nil {
		conn.Close(ctx)
		monitor.Close(ctx)
		return nil, fmt.Errorf("connecting to the shadow database: %w", err)
	}
	t := &tracer{opts: opts, conn: conn, monitor: monitor, blocker: blocker,
		fill: &filler{conn: conn, rows: opts.Rows, stats: opts.Stats, maxRows: opts.MaxRows, counts: map[int64]int64{}, idents: map[int64]string{}}}
	t.res = &Result{Version: 1, Runner: runnerName(opts.Config.Runner), RowsPerTable: opts.Rows, Statements: []*Statement{},
		Unfilled: []Unfilled{}, Sources: map[string]*sqlfile.File{}}
	if opts.Stats != nil {
		t.res.RowsFrom, t.res.MaxRows = "stats", opts.MaxRows
	}
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&t.res.ServerVersion); err != nil {
		t.close()
		return nil, err
	}
	t.res.ServerVersion = strings.Fields(t.res.ServerVersion)[0] // "15.4 (Debian 15.4-1)" is 15.4
	return t, nil
}

func (t *tracer) close() {
	ctx := context.Background()
	t.conn.Close(ctx)
	t.monitor.Close(ctx)
	t.blocker.Close(ctx)
}

// runSet replays the set's earlier migrations, fills the tables, and traces
// the named ones. Naming only some migrations means they are pending: as in
// lint, the tables one of them creates are still empty for the next. A
// whole history is traced as deployed migration by migration, each on
// tables filled before it.
func (t *tracer) runSet(ctx context.Context, s *migrations.Set) error {
	cat := catalog.New()
	named, traced := 0, 0
	for _, m := range s.Migrations {
		if m.Lint {
			named++
		}
	}
	whole := named == len(s.Migrations)
	for i, m := range s.Migrations {
		f, err := readFile(m.Path)
		if err != nil {
			return err
		}
		cat.BeginFile(i + 1)
		if !m.Lint {
			if err := t.replay(ctx, f); err != nil {
				return err
			}
			applyAll(cat, f)
			continue
		}
		if traced == 0 || whole {
			if err := t.fillTables(ctx); err != nil {
				return err
			}
		}
		traced++
		t.res.Sources[f.Path] = f
		ok, err := t.traceFile(ctx, f, cat)
		if err != nil {
			return err
		}
		if !ok && !t.opts.KeepGoing {
			return nil // a failed migration stops the history, as on a real deploy
		}
		if !ok {
			if err := t.emptyAndReplay(ctx, f, cat); err != nil {
				return err
			}
		}
	}
	return nil
}

func readFile(path string) (*sqlfile.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return sqlfile.Parse(path, data)
}

// replay runs an earlier migration the way the runner sends it: as one
// query, or statement by statement.
func (t *tracer) replay(ctx context.Context, f *sqlfile.File) error {
	p := t.plan(f)
	if p.Mode != execution.Statements || len(f.Errors) > 0 {
		if _, err := t.conn.PgConn().Exec(ctx, f.Src).ReadAll(); err != nil {
			return fmt.Errorf("%s: replaying an earlier migration on the shadow database failed: %s", placeError(f, 0, err), oneLine(err))
		}
		return nil
	}
	for _, s := range f.Stmts {
		if _, err := t.conn.PgConn().Exec(ctx, f.Src[s.Start:s.End]).ReadAll(); err != nil {
			return fmt.Errorf("%s: replaying an earlier migration on the shadow database failed: %s", placeError(f, s.Start, err), oneLine(err))
		}
	}
	return nil
}

// emptyAndReplay empties every table and replays a migration that failed
// on their rows, so the history can go on; the tables are filled again
// before the next traced migration. What the failure rolled back (the
// failed statement, and its transaction's earlier ones) is run again, the
// rest of the file after it.
func (t *tracer) emptyAndReplay(ctx context.Context, f *sqlfile.File, cat *catalog.Catalog) error {
	if _, err := t.conn.Exec(ctx, `DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND `+userSchemas+` LOOP
			EXECUTE 'TRUNCATE ' || r.t || ' CASCADE';
		END LOOP; END $$`); err != nil {
		return fmt.Errorf("emptying the shadow database after %s failed: %w", f.Path, err)
	}
	clear(t.fill.counts)
	done := 0
	for _, st := range t.res.Statements {
		if st.File == f.Path && st.Error == nil {
			done++
		}
	}
	if done >= len(f.Stmts) { // unparsed file, or its COMMIT failed: all of it was rolled back
		return t.replay(ctx, f)
	}
	plan := t.plan(f).Tx
	from := done
	for from > 0 && plan[done].InTx && plan[from-1].InTx && plan[from-1].ID == plan[done].ID {
		from--
	}
	rest := f.Src[f.Stmts[from].Start:]
	if _, err := t.conn.PgConn().Exec(ctx, rest).ReadAll(); err != nil {
		return fmt.Errorf("%s: replaying a failed migration on emptied tables failed too: %s",
			placeError(f, f.Stmts[from].Start, err), oneLine(err))
	}
	for _, s := range f.Stmts[done:] {
		applyOne(cat, s)
	}
	return nil
}

// fillTables fills the empty tables in one transaction, then analyzes them
// so the planner sees their rows, as it would in production.
func (t *tracer) fillTables(ctx context.Context) error {
	unfilled, err := t.fill.fillInTx(ctx)
	if err != nil {
		return err
	}
	t.res.Unfilled = append(t.res.Unfilled, unfilled...)
	_, err = t.conn.Exec(ctx, "ANALYZE")
	return err
}

// placeError returns file:line for an error of SQL sent from byte base of
// f, when the server gave the error's position.
func placeError(f *sqlfile.File, base int, err error) string {
	if line, _ := errorPos(f, base, err); line > 0 {
		return fmt.Sprintf("%s:%d", f.Path, line)
	}
	return f.Path
}

// errorPos is where in f the server placed an error of SQL sent from byte
// base, or 0, 0.
func errorPos(f *sqlfile.File, base int, err error) (line, col int) {
	p := pgPosition(err)
	if p <= 0 {
		return 0, 0
	}
	pos := f.Position(f.CharOffset(base, p-1))
	return pos.Line, pos.Col
}

func applyAll(cat *catalog.Catalog, f *sqlfile.File) {
	for _, s := range f.Stmts {
		applyOne(cat, s)
	}
}

// applyOne replays a statement into the static model's catalog; a bug in
// the catalog must not stop the trace, which reads the real database.
func applyOne(cat *catalog.Catalog, s *sqlfile.Stmt) {
	defer func() { _ = recover() }()
	cat.Apply(s.Node)
}

// Package deploy applies Prisma migrations the way `prisma migrate deploy`
// does — the same _prisma_migrations table, checksums and advisory lock, so a
// team can switch between the two on one database — but safer: lock
// timeouts with retries and the blocking session named, all-or-nothing
// migrations, the exact failing line, and a lock wait that cannot deadlock
// with CREATE INDEX CONCURRENTLY.
package deploy

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/migrations"
)

// Options configures deploy, status and resolve.
type Options struct {
	Dir         string // the Prisma migrations directory
	DatabaseURL string
	// LockWait is how long to wait for another deploy's advisory lock.
	LockWait time.Duration
	// LockTimeout is lock_timeout for the migrations' statements.
	LockTimeout time.Duration
	// ConcurrentLockTimeout is lock_timeout for statements that cannot run
	// in a transaction (CREATE INDEX CONCURRENTLY...): it also bounds their
	// waits for older transactions to end, waits that block no query, so
	// it is long.
	ConcurrentLockTimeout time.Duration
	// StatementTimeout is statement_timeout for them; 0 leaves it unset.
	StatementTimeout time.Duration
	// Retries is how often a migration that hit the lock timeout or a
	// deadlock is retried.
	Retries int
	DryRun  bool
	// Out receives progress lines.
	Out io.Writer
	// Warn receives warnings about the history, with the file they concern.
	Warn func(path, msg string)
	// BeforeApply, when set, runs once the deploy holds the migration lock
	// and before it applies anything (with DryRun, before saying what it
	// would apply); an error stops the deploy. Deploy --check-drift
	// compares the schema with the history here.
	BeforeApply func(ctx context.Context) error
}

// DefaultOptions returns the defaults: wait up to 5 minutes for another
// deploy, 5 s lock timeout (30 minutes for concurrent builds) with 3
// retries.
func DefaultOptions() *Options {
	return &Options{Dir: "prisma/migrations", LockWait: 5 * time.Minute, LockTimeout: 5 * time.Second,
		ConcurrentLockTimeout: 30 * time.Minute, Retries: 3, Out: io.Discard}
}

func (o *Options) say(format string, args ...any) { fmt.Fprintf(o.Out, format+"\n", args...) }

func (o *Options) warn(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if o.Warn != nil {
		o.Warn(path, msg)
		return
	}
	o.say("warning: %s: %s", path, msg)
}

// Applied is one migration deploy applied.
type Applied struct {
	Name string
	Took time.Duration
}

// Summary is what a deploy did.
type Summary struct {
	Target  string
	Applied []Applied
	Pending []string // with DryRun: what would be applied
	Skipped int      // already applied
	Took    time.Duration
}

// Deploy applies the pending migrations of opts.Dir.
func Deploy(ctx context.Context, opts *Options) (*Summary, error) {
	start := time.Now()
	local, err := loadDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	target, err := ParseURL(opts.DatabaseURL)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Target: target.String()}
	for _, w := range target.Warnings {
		opts.say("warning: %s", w)
	}
	conn, err := connect(ctx, target)
	if isCode(err, "3D000") && !opts.DryRun {
		conn, err = createDatabase(ctx, target, opts)
	}
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	hist := newHistory(target.Schema)
	if opts.DryRun {
		if opts.BeforeApply != nil {
			if err := opts.BeforeApply(ctx); err != nil {
				return nil, err
			}
		}
		err = dryRun(ctx, conn, hist, local, opts, sum)
		sum.Took = time.Since(start)
		return sum, err
	}
	if err := acquireLock(ctx, conn, opts.LockWait, opts.say); err != nil {
		if ctx.Err() != nil {
			return nil, &InterruptedError{Waiting: true}
		}
		return nil, err
	}
	defer releaseLock(conn)
	err = deployLocked(ctx, conn, target, hist, local, opts, sum)
	sum.Took = time.Since(start)
	return sum, err
}

func deployLocked(ctx context.Context, conn *pgx.Conn, target *Target, hist *history, local []*migrations.Migration, opts *Options, sum *Summary) error {
	if err := ensureHistory(ctx, conn, hist, target.Schema); err != nil {
		return err
	}
	rows, err := hist.rows(ctx, conn)
	if err != nil {
		return historyErr(err, "reading", "SELECT")
	}
	pending := checkHistory(rows, local, opts)
	res, err := resumeOrRefuse(rows, pending)
	if err != nil {
		return err
	}
	if opts.BeforeApply != nil {
		if err := opts.BeforeApply(ctx); err != nil {
			return err
		}
	}
	sum.Skipped = len(local) - len(pending)
	if len(pending) == 0 {
		return nil
	}
	version, err := serverVersion(ctx, conn)
	if err != nil {
		return err
	}
	w := newWatcher(ctx, target.Config, opts.LockTimeout)
	defer w.close()
	a := &applier{conn: conn, hist: hist, opts: opts, watcher: w, version: version}
	stop := make(chan struct{})
	defer close(stop)
	next := readAhead(pending, version, stop)
	for i := range pending {
		r := <-next
		m, err := r.m, r.err
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return &InterruptedError{Applied: len(sum.Applied), Pending: len(pending) - i}
		}
		var mres *resumePoint
		if res != nil && m.Name == res.row.Name {
			if mres, err = res.check(m); err != nil {
				return err
			}
		}
		t0 := time.Now()
		if err := a.apply(ctx, m, mres); err != nil {
			return err
		}
		took := time.Since(t0)
		sum.Applied = append(sum.Applied, Applied{Name: m.Name, Took: took})
		opts.say("applied %s (%s)", m.Name, took.Round(time.Millisecond))
	}
	return nil
}

// InterruptedError is a deploy stopped by a signal between migrations, or
// while it waited for the migration lock.
type InterruptedError struct {
	Applied, Pending int
	Waiting          bool // for the migration lock
}

func (e *InterruptedError) Error() string {
	if e.Waiting {
		return "interrupted while waiting for the migration lock; nothing was applied"
	}
	return fmt.Sprintf("interrupted: %d migrations applied, %d still pending; nothing was running", e.Applied, e.Pending)
}

// read is a migration read and parsed ahead of its turn.
type read struct {
	m   *migration
	err error
}

// readAhead reads and parses the migrations in order in the background, a
// few ahead of the one the server is running, so that parsing does not add
// to the deploy's time. It stops at the first error, or when stop closes.
func readAhead(pending []*migrations.Migration, version int, stop <-chan struct{}) <-chan read {
	out := make(chan read, 8)
	go func() {
		defer close(out)
		for _, lm := range pending {
			m, err := readMigration(lm.Name, lm.Path, version)
			select {
			case out <- read{m, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}

// dial parses a database URL and connects to it: the start of every command
// but deploy, which may first create the database.
func dial(ctx context.Context, databaseURL string) (*Target, *pgx.Conn, error) {
	target, err := ParseURL(databaseURL)
	if err != nil {
		return nil, nil, err
	}
	conn, err := connect(ctx, target)
	return target, conn, err
}

func connect(ctx context.Context, t *Target) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, t.Config)
	if err != nil {
		// pgx's connect errors name host and user, never the password.
		return nil, fmt.Errorf("connecting to %s: %w", t, err)
	}
	return conn, nil
}

// createDatabase creates the URL's missing database, as `prisma migrate
// deploy` does, from the maintenance database, and connects to it.
func createDatabase(ctx context.Context, t *Target, opts *Options) (*pgx.Conn, error) {
	name := t.Config.Database
	var err error
	for _, maint := range []string{"postgres", "template1"} {
		cfg := t.Config.Copy()
		cfg.Database = maint
		var c *pgx.Conn
		if c, err = pgx.ConnectConfig(ctx, cfg); err != nil {
			continue
		}
		_, err = c.Exec(ctx, "CREATE DATABASE "+sqltext.Ident(name))
		_ = c.Close(context.Background())
		if err == nil {
			opts.say("created database %q on %s:%d (it did not exist), as prisma migrate deploy does", name, t.Config.Host, t.Config.Port)
		}
		if err == nil || isCode(err, "42P04") { // 42P04: another deployer created it meanwhile
			return connect(ctx, t)
		}
		break
	}
	if isPermission(err) {
		return nil, fmt.Errorf("database %q does not exist on %s, and the role %q may not create it: it needs the CREATEDB attribute (ALTER ROLE %s CREATEDB), or create the database first: %w",
			name, t, t.Config.User, sqltext.Ident(t.Config.User), err)
	}
	return nil, fmt.Errorf("database %q does not exist on %s, and creating it failed: %w", name, t, err)
}

func serverVersion(ctx context.Context, conn *pgx.Conn) (int, error) {
	var num int
	err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&num)
	return num / 10000, err
}

// loadDir reads the migrations directory with the same discovery as lint.
func loadDir(dir string) ([]*migrations.Migration, error) {
	sets, err := migrations.Discover([]string{dir})
	if err != nil {
		return nil, err
	}
	if len(sets) != 1 || !sets[0].Prisma {
		return nil, fmt.Errorf("%s: not a Prisma migrations directory (<name>/migration.sql folders)", dir)
	}
	return sets[0].Migrations, nil
}

// ensureHistory creates the history table, refusing, as Prisma does (P3005),
// to start a history on a schema that already holds objects.
func ensureHistory(ctx context.Context, conn *pgx.Conn, hist *history, schema string) error {
	ok, err := hist.exists(ctx, conn)
	if err != nil || ok {
		return err
	}
	var objects int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`, schema).Scan(&objects)
	if err != nil {
		return err
	}
	if objects > 0 {
		return &RefusedError{Code: "P3005", Msg: fmt.Sprintf("the database schema %q is not empty but has no %s table", schema, historyTable),
			Next: "baseline it first — mark the migrations that the schema already contains as applied with " +
				"`migrate-guard resolve --applied <name>` (or `prisma migrate resolve --applied <name>`)"}
	}
	if err := ensureSchema(ctx, conn, schema); err != nil {
		return err
	}
	if err := hist.create(ctx, conn); err != nil {
		if isPermission(err) {
			err = fmt.Errorf("%w (the deploy role needs CREATE on schema %s: GRANT CREATE ON SCHEMA %s TO <role>)", err, sqltext.Ident(schema), sqltext.Ident(schema))
		}
		return &HistoryError{What: "creating", Err: err}
	}
	return nil
}

// ensureSchema creates the URL's schema when it is missing, as Prisma does.
// It checks first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege
// even when the schema exists.
func ensureSchema(ctx context.Context, q querier, schema string) error {
	var ok bool
	if err := q.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)", schema).Scan(&ok); err != nil || ok {
		return err
	}
	if _, err := q.Exec(ctx, "CREATE SCHEMA "+sqltext.Ident(schema)); err != nil {
		if isPermission(err) {
			return fmt.Errorf("creating schema %q: %w (the deploy role needs CREATE on the database: GRANT CREATE ON DATABASE <db> TO <role>, or create the schema first)", schema, err)
		}
		return fmt.Errorf("creating schema %q: %w", schema, err)
	}
	return nil
}

// resumeOrRefuse returns the failed statement-by-statement run the deploy
// continues, or refuses, as Prisma does (P3009), when a migration is
// recorded as failed and cannot be resumed: it left no progress, or it is
// not the first pending migration.
func resumeOrRefuse(rows []*Row, pending []*migrations.Migration) (*resumePoint, error) {
	var res *resumePoint
	for _, r := range rows {
		if !r.Failed() {
			continue
		}
		p := resumable(r)
		switch {
		case p == nil:
			return nil, refusal(r, "")
		case res != nil:
			return nil, refusal(r, "another failed migration, "+res.row.Name+", is recorded too")
		case len(pending) == 0 || pending[0].Name != r.Name:
			return nil, refusal(r, "it is not the first pending migration of the directory")
		}
		res = p
	}
	return res, nil
}

// refusal is the P3009 refusal for a failed row; why says why it cannot be
// resumed, when it carries progress.
func refusal(r *Row, why string) error {
	logs := "\nno error was recorded: the deploy stopped while running it (killed or disconnected); check which of its statements took effect"
	if r.Logs != nil && *r.Logs != "" {
		logs = "\n" + *r.Logs
	}
	if why != "" {
		logs += "\nIt cannot be resumed: " + why + "."
	}
	return &RefusedError{Code: "P3009",
		Msg: fmt.Sprintf("migration %s, started at %s UTC, failed; no new migrations are applied until it is resolved",
			r.Name, r.StartedAt.UTC().Format("2006-01-02 15:04:05")),
		Next: fmt.Sprintf("%s\nEither fix the database and the migration, then `migrate-guard resolve --rolled-back %s` and deploy again,\n"+
			"or finish the migration by hand, then `migrate-guard resolve --applied %s`.", logs, r.Name, r.Name)}
}

// checkHistory warns about applied migrations changed or missing on disk and
// returns the local migrations still pending.
func checkHistory(rows []*Row, local []*migrations.Migration, opts *Options) []*migrations.Migration {
	applied := map[string]*Row{}
	for _, r := range rows {
		if r.Applied() {
			applied[r.Name] = r
		}
	}
	onDisk := map[string]bool{}
	var pending []*migrations.Migration
	for _, m := range local {
		onDisk[m.Name] = true
		r := applied[m.Name]
		if r == nil {
			pending = append(pending, m)
			continue
		}
		if modified(r, m.Path) {
			opts.warn(m.Path, "migration %s was modified after it was applied (its checksum differs from the one recorded); "+
				"the database does not contain the change — put the applied version back and make the change in a new migration", m.Name)
		}
	}
	for _, r := range rows {
		if r.Applied() && !onDisk[r.Name] {
			opts.warn(opts.Dir, "migration %s is applied in the database but missing from %s", r.Name, opts.Dir)
			onDisk[r.Name] = true
		}
	}
	return pending
}

func modified(r *Row, path string) bool {
	data, err := readFile(path)
	return err == nil && !checksumMatches(r.Checksum, data)
}

// dryRun reports what a deploy would apply without changing anything.
func dryRun(ctx context.Context, conn *pgx.Conn, hist *history, local []*migrations.Migration, opts *Options, sum *Summary) error {
	var rows []*Row
	ok, err := hist.exists(ctx, conn)
	if err != nil {
		return err
	}
	if ok {
		if rows, err = hist.rows(ctx, conn); err != nil {
			return err
		}
	}
	pending := checkHistory(rows, local, opts)
	res, err := resumeOrRefuse(rows, pending)
	if err != nil {
		return err
	}
	if res != nil {
		opts.say("would resume %s after its %d of %d completed statements", res.row.Name, res.done, res.total)
	}
	for _, m := range pending {
		sum.Pending = append(sum.Pending, m.Name)
		opts.say("would apply %s", m.Name)
	}
	sum.Skipped = len(local) - len(sum.Pending)
	return nil
}

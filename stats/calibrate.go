package stats

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// shape is a table layout used to measure a server.
type shape struct {
	name string
	// columns beyond id, k, v, p (see createTable): what makes rows wide.
	extra string
}

var (
	narrow = shape{"narrow", ""}
	// wide rows are about 300 bytes: two 96-character texts and some
	// numbers, below the TOAST threshold as most rows are.
	wide = shape{"wide", `, repeat(md5(g::text), 3) AS a, repeat(md5((g + 1)::text), 3) AS b,
		(g * 1.5)::numeric AS n, now() - g * interval '1 second' AS at, g % 7 = 0 AS f`}
)

// createTable creates schema.name of the shape with rows rows and its
// FOREIGN KEY target schema.parent (created once), then vacuums and
// analyzes it, as autovacuum keeps production tables: id is unique, k is a
// scattered int to index, v an int to check, p references parent.
func createTable(ctx context.Context, conn *pgx.Conn, schema string, s shape, name string, rows int64) error {
	q := sqltext.Ident(schema)
	sql := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %[1]s.parent AS SELECT g AS id FROM generate_series(1, 1000) g;
		ALTER TABLE %[1]s.parent DROP CONSTRAINT IF EXISTS parent_pkey;
		ALTER TABLE %[1]s.parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id);
		CREATE TABLE %[1]s.%[2]s AS SELECT g::bigint AS id, (g::bigint * 7919 %% %[3]d)::int AS k, (g %% 1000)::int AS v,
			(g %% 1000 + 1)::int AS p, substr(md5(g::text), 1, 12) AS t %[4]s
		FROM generate_series(1, %[3]d) g`, q, sqltext.Ident(name), rows, s.extra)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, fmt.Sprintf("VACUUM ANALYZE %s.%s", q, sqltext.Ident(name)))
	return err
}

// probe is the statement that does an operation on a table, with what
// prepares it and what undoes it (run untimed).
type probe struct {
	setup, stmt, undo string
}

// probes are the real statements of each operation class, on {table}.
// Rewrite comes last in a run: it changes v's type.
var probes = []struct {
	op analysis.Operation
	probe
}{
	{analysis.CheckScan, probe{"ALTER TABLE {table} ADD CONSTRAINT mg_check CHECK (v >= 0) NOT VALID",
		"ALTER TABLE {table} VALIDATE CONSTRAINT mg_check", "ALTER TABLE {table} DROP CONSTRAINT mg_check"}},
	{analysis.NotNullScan, probe{"", "ALTER TABLE {table} ALTER COLUMN v SET NOT NULL", "ALTER TABLE {table} ALTER COLUMN v DROP NOT NULL"}},
	{analysis.ForeignKeyScan, probe{"ALTER TABLE {table} ADD CONSTRAINT mg_fk FOREIGN KEY (p) REFERENCES {parent} (id) NOT VALID",
		"ALTER TABLE {table} VALIDATE CONSTRAINT mg_fk", "ALTER TABLE {table} DROP CONSTRAINT mg_fk"}},
	{analysis.IndexBuild, probe{"", "CREATE INDEX mg_ix ON {table} (k)", "DROP INDEX {schema}.mg_ix"}},
	{analysis.UniqueIndexBuild, probe{"", "CREATE UNIQUE INDEX mg_ux ON {table} (id)", "DROP INDEX {schema}.mg_ux"}},
	{analysis.ConcurrentIndexBuild, probe{"", "CREATE INDEX CONCURRENTLY mg_cx ON {table} (k)", "DROP INDEX {schema}.mg_cx"}},
	{analysis.Rewrite, probe{"", "ALTER TABLE {table} ALTER COLUMN v TYPE bigint", ""}},
}

// timeProbe runs one probe on schema.table and returns how long its
// statement took.
func timeProbe(ctx context.Context, conn *pgx.Conn, schema, table string, p probe) (time.Duration, error) {
	q := sqltext.Ident(schema)
	expand := strings.NewReplacer("{table}", q+"."+sqltext.Ident(table), "{parent}", q+".parent", "{schema}", q).Replace
	if p.setup != "" {
		if _, err := conn.Exec(ctx, expand(p.setup)); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	if _, err := conn.Exec(ctx, expand(p.stmt)); err != nil {
		return 0, err
	}
	d := time.Since(start)
	if p.undo != "" {
		if _, err := conn.Exec(ctx, expand(p.undo)); err != nil {
			return 0, err
		}
	}
	return d, nil
}

// sample is one timed run of an operation on a table of a size.
type sample struct {
	bytes, rows int64
	seconds     float64
}

// CalibrateOptions sizes a calibration.
type CalibrateOptions struct {
	// Rows is the row count of the narrow table; the wide one gets a
	// third of it. Larger is slower and steadier; 0 means 1,000,000.
	Rows int64
	// Progress, if set, is told what is being measured.
	Progress func(string)
}

// Calibrate measures the server's throughput for every operation class. It
// creates a schema of its own (migrate_guard_calibration_<pid>), builds a
// narrow and a wide table in it, times each class's real statement three
// times on each and on an empty table, and drops the schema, also on failure. Run it
// on a scratch server like production, never on production: it writes and
// takes locks.
func Calibrate(ctx context.Context, conn *pgx.Conn, opt CalibrateOptions) (*Throughputs, error) {
	if opt.Rows <= 0 {
		opt.Rows = 1_000_000
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string) {}
	}
	var server string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&server); err != nil {
		return nil, err
	}
	schema := fmt.Sprintf("migrate_guard_calibration_%d", conn.PgConn().PID())
	q := sqltext.Ident(schema)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+q); err != nil {
		return nil, fmt.Errorf("creating schema %s: %w", schema, err)
	}
	defer func() {
		// A fresh context: the schema goes even when ctx was cancelled.
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn.Exec(c, "DROP SCHEMA "+q+" CASCADE") //nolint:errcheck // best effort; the error that matters is returned
	}()
	samples := map[analysis.Operation][]sample{}
	tables := []struct {
		s    shape
		name string
		rows int64
	}{{narrow, "empty", 0}, {narrow, "narrow", opt.Rows}, {wide, "wide", opt.Rows / 3}}
	for _, tb := range tables {
		for run := 0; run < 3; run++ {
			name := fmt.Sprintf("%s_%d", tb.name, run)
			progress(fmt.Sprintf("building %s table of %d rows", tb.name, tb.rows))
			if err := createTable(ctx, conn, schema, tb.s, name, tb.rows); err != nil {
				return nil, fmt.Errorf("building calibration table: %w", err)
			}
			var heap int64
			if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT pg_table_size('%s.%s')", q, sqltext.Ident(name))).Scan(&heap); err != nil {
				return nil, err
			}
			for _, pr := range probes {
				progress(fmt.Sprintf("timing %s on %s table", pr.op, tb.name))
				d, err := timeProbe(ctx, conn, schema, name, pr.probe)
				if err != nil {
					return nil, fmt.Errorf("timing %s: %w", pr.op, err)
				}
				rows := tb.rows
				if sorts(pr.op) {
					rows = sortRows(rows)
				}
				samples[pr.op] = append(samples[pr.op], sample{heap, rows, d.Seconds()})
			}
			if _, err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE %s.%s", q, sqltext.Ident(name))); err != nil {
				return nil, err
			}
		}
	}
	t := &Throughputs{MeasuredAt: time.Now().UTC().Truncate(time.Second), Server: server}
	for op, ss := range samples {
		*t.ratePtr(op) = fit(ss)
	}
	return t, nil
}

func (t *Throughputs) ratePtr(op analysis.Operation) *Rate {
	switch op {
	case analysis.Rewrite:
		return &t.Rewrite
	case analysis.IndexBuild:
		return &t.IndexBuild
	case analysis.UniqueIndexBuild:
		return &t.UniqueIndexBuild
	case analysis.ConcurrentIndexBuild:
		return &t.ConcurrentIndexBuild
	case analysis.CheckScan:
		return &t.CheckScan
	case analysis.ForeignKeyScan:
		return &t.ForeignKeyScan
	}
	return &t.NotNullScan
}

// fit finds the rate through the samples: the fixed cost from the empty
// table, then the per-byte and per-row costs that explain the narrow and
// the wide table (whose bytes per row differ). When noise makes one of them
// negative, the time goes on bytes alone or rows alone, whichever explains
// both tables better.
func fit(ss []sample) Rate {
	fixed := median(ss, 0).seconds
	// The median run of each table, net of the fixed cost: one run slowed
	// by another job on the machine does not move it.
	var rowCounts []int64
	for _, s := range ss {
		if s.rows != 0 && !slices.Contains(rowCounts, s.rows) {
			rowCounts = append(rowCounts, s.rows)
		}
	}
	m1, m2 := median(ss, rowCounts[0]), median(ss, rowCounts[len(rowCounts)-1])
	b1, r1, t1 := float64(m1.bytes), float64(m1.rows), max(m1.seconds-fixed, 1e-6)
	b2, r2, t2 := float64(m2.bytes), float64(m2.rows), max(m2.seconds-fixed, 1e-6)
	if det := b1*r2 - b2*r1; det != 0 {
		x := (t1*r2 - t2*r1) / det // seconds per byte
		y := (b1*t2 - b2*t1) / det // seconds per row
		if x > 0 && y > 0 {
			return Rate{BytesPerSecond: 1 / x, RowsPerSecond: 1 / y, FixedSeconds: fixed}
		}
	}
	byBytes := Rate{BytesPerSecond: (b1 + b2) / (t1 + t2), FixedSeconds: fixed}
	byRows := Rate{RowsPerSecond: (r1 + r2) / (t1 + t2), FixedSeconds: fixed}
	miss := func(r Rate) float64 {
		e1 := math.Log(r.Seconds(int64(b1), int64(r1))-fixed) - math.Log(t1)
		e2 := math.Log(r.Seconds(int64(b2), int64(r2))-fixed) - math.Log(t2)
		return e1*e1 + e2*e2
	}
	if miss(byRows) < miss(byBytes) {
		return byRows
	}
	return byBytes
}

// median returns the sample of median time among those of a row count.
func median(ss []sample, rows int64) sample {
	var of []sample
	for _, s := range ss {
		if s.rows == rows {
			of = append(of, s)
		}
	}
	if len(of) == 0 {
		return sample{}
	}
	slices.SortFunc(of, func(a, b sample) int { return cmp.Compare(a.seconds, b.seconds) })
	return of[len(of)/2]
}

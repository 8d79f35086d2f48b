package stats

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// BenchmarkEstimateAccuracy compares the estimate of each operation class
// with the real statement's duration, on narrow and wide tables with 0 and
// 3 indexes, and prints a Markdown table of the cases. It builds large
// tables, so it runs only through bench/stats-accuracy.sh (MG_ACCURACY=1);
// MG_ACCURACY_ROWS lists the sizes (default 100000,1000000), and
// MG_ACCURACY_RATES=defaults uses the built-in throughputs instead of a
// calibration of the server first.
func BenchmarkEstimateAccuracy(b *testing.B) {
	if os.Getenv("MG_ACCURACY") == "" {
		b.Skip("builds tables of millions of rows: run bench/stats-accuracy.sh")
	}
	sizes := []int64{100_000, 1_000_000}
	if s := os.Getenv("MG_ACCURACY_ROWS"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				b.Fatalf("MG_ACCURACY_ROWS: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	rates := Defaults()
	if os.Getenv("MG_ACCURACY_RATES") != "defaults" {
		start := time.Now()
		if rates, err = Calibrate(ctx, conn, CalibrateOptions{}); err != nil {
			b.Fatal(err)
		}
		fmt.Printf("calibrated in %s: %s\n", time.Since(start).Round(time.Second), ratesJSON(rates))
	}
	for i := 0; i < b.N; i++ {
		var cases []accuracyCase
		for _, n := range sizes {
			for _, s := range []shape{narrow, wide} {
				for _, ix := range []int{0, 3} {
					cs, err := measureCases(ctx, conn, rates, s, n, ix)
					if err != nil {
						b.Fatal(err)
					}
					cases = append(cases, cs...)
				}
			}
		}
		printCases(cases)
	}
}

type accuracyCase struct {
	op              analysis.Operation
	shape           string
	rows            int64
	indexes         int
	heap            int64
	lo, hi, seconds float64 // seconds is the median run
	runs            int
	load            float64
}

// runsFor is how many times a statement is timed on a table of rows: three
// (the median counts, as a run slowed by another job on the shared machine
// would otherwise decide), once from 5 M rows, whose runs take minutes.
func runsFor(rows int64) int {
	if rows >= 5_000_000 {
		return 1
	}
	return 3
}

func (c accuracyCase) inside() bool { return c.seconds >= c.lo && c.seconds <= c.hi }

// measureCases builds one table and runs every probe on it, comparing each
// with the estimate from a snapshot of the database.
func measureCases(ctx context.Context, conn *pgx.Conn, rates *Throughputs, s shape, rows int64, indexes int) ([]accuracyCase, error) {
	const schema = "public"
	if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS t"); err != nil {
		return nil, err
	}
	if err := createTable(ctx, conn, schema, s, "t", rows); err != nil {
		return nil, err
	}
	if indexes == 3 {
		if _, err := conn.Exec(ctx, `CREATE UNIQUE INDEX t_id ON t (id); CREATE INDEX t_t ON t (t); CREATE INDEX t_vp ON t (v, p); ANALYZE t`); err != nil {
			return nil, err
		}
	}
	// A table just loaded has its pages dirty in the server and the kernel,
	// and writing them back slows the first scans, as no production table
	// is: flush them before timing.
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		return nil, err
	}
	syscall.Sync()
	snap, err := Collect(ctx, conn)
	if err != nil {
		return nil, err
	}
	tb := snap.Table(catalog.Name{Schema: schema, Name: "t"})
	parent := snap.Table(catalog.Name{Schema: schema, Name: "parent"})
	var out []accuracyCase
	for _, pr := range probes {
		var ref *Table
		if pr.op == analysis.ForeignKeyScan {
			ref = parent
		}
		lo, hi := Estimate(rates, pr.op, tb, ref)
		var times []float64
		for run := 0; run < runsFor(rows); run++ {
			p := pr.probe
			if pr.op == analysis.Rewrite && run%2 == 1 {
				p.stmt = "ALTER TABLE {table} ALTER COLUMN v TYPE int" // back from bigint: a rewrite too
			}
			d, err := timeProbe(ctx, conn, schema, "t", p)
			if err != nil {
				return nil, fmt.Errorf("%s on %s %d: %w", pr.op, s.name, rows, err)
			}
			times = append(times, d.Seconds())
		}
		slices.Sort(times)
		c := accuracyCase{op: pr.op, shape: s.name, rows: rows, indexes: indexes, heap: tb.HeapBytes, lo: lo, hi: hi,
			seconds: times[len(times)/2], runs: len(times), load: loadAverage()}
		fmt.Fprintf(os.Stderr, "%-28s %-6s %8d rows %d idx: %.3fs (median of %d) in [%.3f, %.3f] %v (load %.1f)\n",
			c.op, c.shape, c.rows, c.indexes, c.seconds, c.runs, c.lo, c.hi, c.inside(), c.load)
		out = append(out, c)
	}
	return out, nil
}

func printCases(cases []accuracyCase) {
	fmt.Println("| operation | shape | rows | indexes | heap | estimate [lo, hi] | measured (runs) | inside | load |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: |")
	in, worst := 0, 0.0
	for _, c := range cases {
		mark := "yes"
		if c.inside() {
			in++
		} else {
			mark = fmt.Sprintf("**no** (×%.2f)", c.seconds/math.Sqrt(c.lo*c.hi))
		}
		worst = max(worst, c.hi/c.lo)
		fmt.Printf("| %s | %s | %s | %d | %s | %s | %s (%d) | %s | %.0f |\n", c.op, c.shape, FormatCount(c.rows), c.indexes,
			FormatBytes(c.heap), FormatRange(c.lo, c.hi), FormatSeconds(c.seconds), c.runs, mark, c.load)
	}
	fmt.Printf("\n%d of %d cases (%.0f %%) inside [lo, hi]; hi/lo = %.2f at most\n", in, len(cases),
		100*float64(in)/float64(max(len(cases), 1)), worst)
}

// loadAverage is the 1-minute load average, or -1 where /proc has none.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, err := strconv.ParseFloat(strings.Fields(string(data))[0], 64)
	if err != nil {
		return -1
	}
	return f
}

func ratesJSON(r *Throughputs) string {
	var b strings.Builder
	for op := analysis.Rewrite; op <= analysis.NotNullScan; op++ {
		x := r.rate(op)
		fmt.Fprintf(&b, "%s: %.0f MB/s, %.2f M rows/s, %.1f ms; ", op, x.BytesPerSecond/1e6, x.RowsPerSecond/1e6, x.FixedSeconds*1e3)
	}
	return b.String()
}

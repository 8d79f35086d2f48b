package stats

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// derivedProbe is a statement whose estimate is derived from the
// benchmarked classes (REINDEX) or has a rate of its own that calibrate
// does not measure (SET TABLESPACE), on the table t of the accuracy
// benchmark with its 3 indexes; CREATE INDEX is the benchmarked class,
// timed beside them to show how fast the machine is at the time.
type derivedProbe struct {
	stmt, undo string
	op         analysis.Operation
	index      string // the index whose pages are copied, for an index's SET TABLESPACE
}

var derivedProbes = []derivedProbe{
	{"CREATE INDEX mg_ix ON t (k)", "DROP INDEX mg_ix", analysis.IndexBuild, ""},
	{"REINDEX INDEX t_t", "", analysis.IndexBuild, ""},
	{"REINDEX TABLE t", "", analysis.IndexesRebuild, ""},
	{"ALTER TABLE t SET TABLESPACE mg_ts", "ALTER TABLE t SET TABLESPACE pg_default", analysis.Copy, ""},
	{"ALTER INDEX t_t SET TABLESPACE mg_ts", "ALTER INDEX t_t SET TABLESPACE pg_default", analysis.Copy, "t_t"},
}

// BenchmarkDerivedAccuracy compares the built-in estimates of REINDEX and
// SET TABLESPACE with the real statements on the narrow and wide tables of
// 100 k and 1 M rows with 3 indexes, and prints a Markdown table
// (bench/README.md). Like BenchmarkEstimateAccuracy it runs only with
// MG_ACCURACY=1: MG_ACCURACY=1 go test ./stats -run '^$' -bench DerivedAccuracy -benchtime 1x
func BenchmarkDerivedAccuracy(b *testing.B) {
	if os.Getenv("MG_ACCURACY") == "" {
		b.Skip("builds tables of a million rows: run with MG_ACCURACY=1")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := createTablespace(ctx, conn); err != nil {
		b.Fatal(err)
	}
	defer conn.Exec(ctx, "DROP TABLE IF EXISTS t; DROP TABLESPACE IF EXISTS mg_ts")
	fmt.Printf("load %.1f at the start\n\n| statement | shape | rows | estimate [lo, hi] | measured (3 runs) | inside |\n| --- | --- | ---: | --- | ---: | --- |\n", loadAverage())
	for i := 0; i < b.N; i++ {
		for _, s := range []shape{narrow, wide} {
			for _, rows := range []int64{100_000, 1_000_000} {
				if err := timeDerived(ctx, conn, s, rows); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	fmt.Printf("\nload %.1f at the end\n", loadAverage())
}

// createTablespace creates mg_ts in an empty directory beside the data
// directory (the server's user makes it: COPY TO PROGRAM, as a superuser).
func createTablespace(ctx context.Context, conn *pgx.Conn) error {
	var data string
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&data); err != nil {
		return err
	}
	dir := filepath.Join(filepath.Dir(data), fmt.Sprintf("mg_ts_%d", os.Getpid()))
	if _, err := conn.Exec(ctx, fmt.Sprintf(`COPY (SELECT 1) TO PROGRAM 'mkdir -p %s'`, dir)); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, fmt.Sprintf(`CREATE TABLESPACE mg_ts LOCATION '%s'`, dir))
	return err
}

// timeDerived builds t of the shape with 3 indexes and prints a row per
// probe: its estimate from the built-in rates and its median time.
func timeDerived(ctx context.Context, conn *pgx.Conn, s shape, rows int64) error {
	if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS t"); err != nil {
		return err
	}
	if err := createTable(ctx, conn, "public", s, "t", rows); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `CREATE UNIQUE INDEX t_id ON t (id); CREATE INDEX t_t ON t (t); CREATE INDEX t_vp ON t (v, p); ANALYZE t; CHECKPOINT`); err != nil {
		return err
	}
	syscall.Sync()
	snap, err := Collect(ctx, conn)
	if err != nil {
		return err
	}
	tb := snap.Table(catalog.Name{Schema: "public", Name: "t"})
	for _, p := range derivedProbes {
		var times []float64
		for range 3 {
			start := time.Now()
			if _, err := conn.Exec(ctx, p.stmt); err != nil {
				return fmt.Errorf("%s: %v", p.stmt, err)
			}
			times = append(times, time.Since(start).Seconds())
			if p.undo != "" {
				if _, err := conn.Exec(ctx, p.undo); err != nil {
					return err
				}
			}
		}
		slices.Sort(times)
		on := tb
		if p.index != "" {
			on = &Table{HeapBytes: tb.Index(p.index).Bytes, Rows: tb.Rows}
		}
		lo, hi := Estimate(Defaults(), p.op, on, nil)
		mark := "yes"
		if times[1] < lo || times[1] > hi {
			mark = fmt.Sprintf("**no** (×%.2f)", times[1]/math.Sqrt(lo*hi))
		}
		fmt.Printf("| `%s` | %s | %s | %s | %s | %s |\n", p.stmt, s.name, FormatCount(rows), FormatRange(lo, hi), FormatSeconds(times[1]), mark)
	}
	return nil
}

package trace_test

import (
	"context"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/stats"
	"github.com/migrate-guard/migrate-guard/trace"
)

// TestRowsFromStats: a table the stats file knows gets production's row
// count, capped by MaxRows; a table it does not know gets Rows; the report
// says where the counts came from.
func TestRowsFromStats(t *testing.T) {
	dir := writeDir(t,
		"CREATE TABLE \"Big\" (\"id\" SERIAL PRIMARY KEY, \"n\" INTEGER NOT NULL);\nCREATE TABLE \"Small\" (\"id\" SERIAL PRIMARY KEY);\nCREATE TABLE \"Other\" (\"id\" SERIAL PRIMARY KEY);\n",
		"ALTER TABLE \"Big\" ADD COLUMN \"c\" INTEGER NOT NULL;\nALTER TABLE \"Small\" ADD COLUMN \"c\" INTEGER NOT NULL;\nALTER TABLE \"Other\" ADD COLUMN \"c\" INTEGER NOT NULL;\n")
	st, err := stats.Parse([]byte(`{"version":1,"tables":[{"schema":"public","name":"Big","rows":5000000},{"schema":"public","name":"Small","rows":0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.NewDatabase(t)
	res, err := trace.Run(context.Background(), lastOf(t, dir), trace.Options{URL: url, Rows: 7, Stats: st, MaxRows: 40})
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsFrom != "stats" || res.MaxRows != 40 {
		t.Errorf("rows_from %q, max_rows %d", res.RowsFrom, res.MaxRows)
	}
	// The trace stops at the first failure (the required column on Big),
	// leaving the rows it made.
	conn := pgtest.Connect(t, url)
	for table, want := range map[string]int{"Big": 40, "Small": 0, "Other": 7} {
		var n int
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s has %d rows, want %d", table, n, want)
		}
	}
	if len(res.Statements) == 0 || res.Statements[0].Error == nil || res.Statements[0].Error.Code != "23502" {
		t.Errorf("the required column on Big (40 rows) does not fail with 23502: %+v", res.Statements)
	}
}

// TestEstimateFromTrace: with stats, a trace finding about a table the
// stats know says how long production is blocked, from the time measured
// on the synthetic rows scaled to production's rows (estimate_from
// "trace"), and its severity follows that estimate; a table the stats do
// not know keeps the finding as it is.
func TestEstimateFromTrace(t *testing.T) {
	dir := writeDir(t,
		"CREATE TABLE \"Big\" (\"id\" SERIAL PRIMARY KEY, \"n\" INTEGER NOT NULL);\nCREATE TABLE \"Other\" (\"id\" SERIAL PRIMARY KEY, \"n\" INTEGER NOT NULL);\n",
		"CREATE INDEX \"Big_n_idx\" ON \"Big\"(\"n\");\nCREATE INDEX \"Other_n_idx\" ON \"Other\"(\"n\");\n")
	st, err := stats.Parse([]byte(`{"version":1,"tables":[{"schema":"public","name":"Big","rows":5000000,"heap_bytes":181000000,
		"total_bytes":293000000,"indexes":[{"name":"Big_pkey","bytes":112000000,"method":"btree","unique":true}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := lint.DefaultConfig()
	res, err := trace.Run(context.Background(), lastOf(t, dir), trace.Options{URL: pgtest.NewDatabase(t), Rows: 500, Stats: st,
		MaxRows: 2000, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	byLine := map[int]lint.Finding{}
	for _, f := range res.Findings {
		if f.Rule == trace.RuleLongLock {
			byLine[f.Line] = f
		}
	}
	big, other := byLine[1], byLine[2]
	if len(res.Statements) != 2 || big.Rule == "" || other.Rule == "" {
		t.Fatalf("want a %s finding on each index build: %+v", trace.RuleLongLock, res.Findings)
	}
	scaled := res.Statements[0].DurationMS / 1000 * 5_000_000 / 2000
	lo, hi := scaled/stats.Spread, scaled*stats.Spread
	want := [2]float64{lint.RoundSeconds(lo), lint.RoundSeconds(hi)}
	if im := big.Impact; im == nil || im.EstimateFrom != "trace" || im.Table != "public.Big" || im.Rows != 5_000_000 ||
		im.Lock != "SHARE" || im.Blocks != "writes" || im.EstimatedSeconds != want {
		t.Errorf("Big: impact %+v, want %v from the trace", im, want)
	}
	if !strings.Contains(big.Message, ` In production ("Big": 5 M rows, 279 MB, 1 index): writes blocked for an estimated `) ||
		!strings.HasSuffix(big.Message, " measured here scaled from 2,000 to 5 M rows.") {
		t.Errorf("Big: message %q", big.Message)
	}
	if sev := cfg.SizedSeverity(analysis.Warning, lo, hi, false); big.Severity != sev {
		t.Errorf("Big: severity %s, want %s for %v", big.Severity, sev, want)
	}
	if other.Impact != nil || other.Severity != analysis.Warning || strings.Contains(other.Message, "In production") {
		t.Errorf("Other, unknown to the stats: %+v", other)
	}
}

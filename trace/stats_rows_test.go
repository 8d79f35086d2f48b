package trace_test

import (
	"context"
	"testing"

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

package deploy

import (
	"context"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestHistoryLiterals deploys migrations whose names hold quotes,
// backslashes and non-ASCII letters, in every execution mode, on a database
// where standard_conforming_strings is off: the history rows, written with
// inlined values to save round trips, must hold the exact names, checksums
// and times in order.
func TestHistoryLiterals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	admin := pgtest.Connect(t, db)
	if _, err := admin.Exec(ctx, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET standard_conforming_strings = off', current_database()); END $$"); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		`20240101000000_it's`:       initSQL, // one transaction
		`20240102000000_back\slash`: "-- This is an empty migration.",
		`20240103000000_été`:        "CREATE INDEX CONCURRENTLY \"User_role_idx\" ON \"User\"(\"role\");\n", // statement by statement
		`20240104000000_'\'`:        "BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\n",     // its own transaction
	}
	dir := writeDir(t, files)
	o := testOpts(t, dir, db, nil)
	o.StatementTimeout = 30_000_000_000 // two SET statements in the batched head
	mustDeploy(t, o)
	rows := historyOf(t, admin, "public")
	want := []string{`20240101000000_it's`, `20240102000000_back\slash`, `20240103000000_été`, `20240104000000_'\'`}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if r.Name != want[i] || r.Checksum != sha([]byte(files[want[i]])) || !r.Applied() || r.AppliedSteps != 1 {
			t.Errorf("row %d: %q checksum %s applied %v steps %d; want %q, %s", i, r.Name, r.Checksum, r.Applied(), r.AppliedSteps, want[i], sha([]byte(files[want[i]])))
		}
		if r.FinishedAt != nil && r.FinishedAt.Before(r.StartedAt) {
			t.Errorf("%s: finished_at %s before started_at %s", r.Name, r.FinishedAt, r.StartedAt)
		}
	}
}

package rules_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

func TestDropUnknownIndex(t *testing.T) {
	runCases(t, "drop-unknown-index", []ruleCase{
		{name: "misspelt, IF EXISTS", history: exampleHistory, sql: "-- DropIndex\nDROP INDEX IF EXISTS \"Post_author_idx\";\n", want: []string{"2:1"}},
		{name: "misspelt", history: exampleHistory, sql: "DROP INDEX \"public\".\"Post_author_idx\";\n", want: []string{"1:1"}},
		{name: "known index", history: exampleHistory, sql: "DROP INDEX IF EXISTS \"Post_authorId_idx\";\n"},
		{name: "created earlier in the file", history: exampleHistory,
			sql: "CREATE INDEX \"Post_views_idx\" ON \"Post\"(\"views\");\nDROP INDEX \"Post_views_idx\";\n"},
		{name: "no history: nothing is known", sql: "DROP INDEX IF EXISTS \"Post_author_idx\";\n"},
		{name: "differs in case only, IF EXISTS", history: exampleHistory, sql: "DROP INDEX IF EXISTS post_authorid_idx;\n", want: []string{"1:1"}},
		{name: "cleanup of a name nothing resembles, IF EXISTS", history: exampleHistory,
			sql: "DROP INDEX IF EXISTS metrics_flow_id;\nDROP INDEX IF EXISTS logs_namespace;\n"},
		{name: "close, but another table's name, IF EXISTS", history: append(append([]string{}, exampleHistory...), "CREATE INDEX \"flows_namespace\" ON \"Post\"(\"title\");\n"),
			sql: "DROP INDEX IF EXISTS logs_namespace;\n"},
		{name: "a name nothing resembles, without IF EXISTS", history: exampleHistory,
			sql: "DROP INDEX metrics_flow_id;\n", want: []string{"1:1"}},
	})
}

// TestDropUnknownIndexLocks checks that the lock rule leaves an index that
// is not there to drop-unknown-index.
func TestDropUnknownIndexLocks(t *testing.T) {
	for _, sql := range []string{`DROP INDEX IF EXISTS "Post_author_idx";`, `DROP INDEX "Post_author_idx";`} {
		if got := positions(lintSQL(t, exampleHistory, sql, 0), "require-concurrent-drop-index"); len(got) > 0 {
			t.Errorf("require-concurrent-drop-index reports %s", sql)
		}
	}
}

// TestDropUnknownIndexOnPostgres confirms what the findings say: without IF
// EXISTS the statement fails with 42704; with it, it succeeds and locks
// nothing.
func TestDropUnknownIndexOnPostgres(t *testing.T) {
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	ctx := context.Background()
	_, err := db.conn.Exec(ctx, `DROP INDEX "Post_author_idx"`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42704" {
		t.Errorf("DROP INDEX of a missing index: %v, want SQLSTATE 42704", err)
	}
	tx, err := db.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DROP INDEX IF EXISTS "Post_author_idx"`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND mode = 'AccessExclusiveLock'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("DROP INDEX IF EXISTS of a missing index holds %d ACCESS EXCLUSIVE locks", n)
	}
}

package rules_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

func TestSetLocalOutsideTransaction(t *testing.T) {
	goose := "-- +goose Up\n-- +goose NO TRANSACTION\n"
	runCases(t, "set-local-outside-transaction", []ruleCase{
		{name: "goose NO TRANSACTION", history: exampleHistory,
			sql:  goose + "SET LOCAL lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"3:5"}},
		{name: "a file holding only the SET LOCAL", sql: "-- Set the timeout\nset local statement_timeout = '1h';\n", want: []string{"2:5"}},
		{name: "SET LOCAL ... TO DEFAULT", history: exampleHistory,
			sql: goose + "SET LOCAL lock_timeout TO DEFAULT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n", want: []string{"3:5"}},
		{name: "several statements run as one transaction", history: exampleHistory,
			sql: "SET LOCAL lock_timeout = '5s';\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n"},
		{name: "explicit block in a NO TRANSACTION file", history: exampleHistory,
			sql: goose + "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\n"},
		{name: "plain SET in a NO TRANSACTION file", history: exampleHistory,
			sql: goose + "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\nRESET lock_timeout;\n"},
	})
}

func TestSetLocalOutsideTransactionFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "-- +goose Up\n-- +goose NO TRANSACTION\nSET LOCAL lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n", 0)
	assertFinding(t, fs, "set-local-outside-transaction", "WARNING 25P01", "lock_timeout keeps its previous value",
		"NO TRANSACTION", "SET lock_timeout = '5s';\n-- ... the statements it is for ...\nRESET lock_timeout;")
	fs = lintSQL(t, nil, "SET LOCAL statement_timeout = '1h';\n", 0)
	assertFinding(t, fs, "set-local-outside-transaction", "this one statement", "SET statement_timeout = '1h';")
}

// TestSetLocalOnPostgres holds the rule to a real server: it flags a SET
// LOCAL exactly when PostgreSQL, sent the file as Prisma sends it (one
// simple-protocol query), warns 25P01 and ignores it.
func TestSetLocalOnPostgres(t *testing.T) {
	cfg, err := pgx.ParseConfig(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { warned = append(warned, n.Code) }
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	cases := []string{
		"SET LOCAL lock_timeout = '5s';\nINSERT INTO seen SELECT current_setting('lock_timeout');\n",
		"SET LOCAL lock_timeout = '5s';\n",
		"BEGIN;\nSET LOCAL lock_timeout = '5s';\nINSERT INTO seen SELECT current_setting('lock_timeout');\nCOMMIT;\n",
	}
	for _, sql := range cases {
		if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS seen; CREATE TEMP TABLE seen (v text)"); err != nil {
			t.Fatal(err)
		}
		warned = nil
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		ignored := slices.Contains(warned, "25P01")
		var v string
		if err := conn.QueryRow(ctx, "SELECT coalesce(max(v), '') FROM seen").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != "" && (v == "5s") == ignored {
			t.Errorf("PostgreSQL warned %v but the statement after the SET LOCAL saw lock_timeout %q\n%s", warned, v, sql)
		}
		flagged := len(positions(lintSQL(t, nil, sql, 0), "set-local-outside-transaction")) > 0
		if ignored != flagged {
			t.Errorf("PostgreSQL ignored the SET LOCAL: %v; the rule flagged it: %v\n%s", ignored, flagged, sql)
		}
	}
}

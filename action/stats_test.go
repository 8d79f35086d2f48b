package action_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestStatsFile: with input stats-file, lint findings state the table's
// size and estimate, in the annotations, the job summary (Markdown) and the
// JSON report.
func TestStatsFile(t *testing.T) {
	index := "-- CreateIndex\nCREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n"
	repo := newRepo(t, map[string]string{initDir: initSQL, handleDir: index}, "require-concurrent-index = \"warning\"\n")
	write(t, filepath.Join(repo, "prod-stats.json"), `{"version":1,"tables":[{"schema":"public","name":"User","rows":50000000,
		"rows_source":"reltuples","heap_bytes":6000000000,"total_bytes":8000000000,"indexes":[]}]}`)
	r := run(t, ghEnv{repo: repo, event: "push", inputs: map[string]string{"stats-file": "prod-stats.json"}})
	wantCode(t, r, 1)
	if !strings.Contains(r.annotations(), `("User": 50 M rows, 7.45 GB, no index; writes blocked for an estimated `) {
		t.Errorf("annotations do not state the size:\n%s", r.annotations())
	}
	if !strings.Contains(r.summary, `50 M rows, 7.45 GB, no index; writes blocked for an estimated `) {
		t.Errorf("the job summary does not state the size:\n%s", r.summary)
	}
	if !strings.Contains(r.reportJS, `"impact": {`) || !strings.Contains(r.reportJS, `"table": "public.User"`) {
		t.Errorf("report JSON has no impact:\n%s", r.reportJS)
	}
}

// TestStatsDatabaseURL: with input stats-database-url, the action takes the
// stats snapshot itself, as a role that only logs in, from the test
// cluster: the findings state the real table's size, the snapshot changes
// nothing in the database, and the URL and its password are masked and
// appear nowhere else.
func TestStatsDatabaseURL(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, dbURL)
	ctx := context.Background()
	role, password := fmt.Sprintf("replica_reader_%d", os.Getpid()), "R3plica-Pa55-9c1e"
	for _, s := range []string{initSQL, `INSERT INTO "User" (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 1000) g`,
		"ANALYZE", "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'"} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { conn.Exec(context.Background(), "DROP ROLE IF EXISTS "+role) })
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, password)
	before := catalogState(t, conn)

	index := "-- CreateIndex\nCREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n"
	repo := newRepo(t, map[string]string{initDir: initSQL, handleDir: index}, "")
	cfg := filepath.Join(repo, "migrate-guard.toml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// On at its default severity, which the estimate may change.
	write(t, cfg, strings.Replace(string(data), "require-concurrent-index = \"off\"\n", "", 1))
	r := run(t, ghEnv{repo: repo, event: "push", inputs: map[string]string{"stats-database-url": u.String()}})
	wantCode(t, r, 0) // a notice on 1,000 rows does not fail
	masks, rest, _ := strings.Cut(r.stdout, "::group::")
	if !strings.Contains(masks, "::add-mask::"+u.String()+"\n") || !strings.Contains(masks, "::add-mask::"+password+"\n") {
		t.Errorf("the log does not start by masking the URL and its password:\n%s", r.stdout)
	}
	for name, text := range map[string]string{"log": rest, "stderr": r.stderr, "summary": r.summary, "report-json": r.reportJS} {
		if strings.Contains(text, password) || strings.Contains(text, role+"@") {
			t.Errorf("the %s shows the secret:\n%s", name, text)
		}
	}
	if !strings.Contains(r.annotations(), `::notice `) || !strings.Contains(r.annotations(), `("User": 1000 rows, `) {
		t.Errorf("annotations do not give the notice on the replica's 1,000-row table:\n%s", r.annotations())
	}
	if !strings.Contains(r.reportJS, `"rows": 1000`) || !strings.Contains(r.reportJS, `"estimate_from": "model"`) {
		t.Errorf("report JSON has no impact from the snapshot:\n%s", r.reportJS)
	}
	if after := catalogState(t, conn); after != before {
		t.Errorf("the snapshot changed the database: %s, then %s", before, after)
	}
}

// catalogState counts the database's relations and the rows written to
// its tables, which a snapshot must leave as they are.
func catalogState(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var rels, written int64
	err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM pg_class),
		(SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables)`).Scan(&rels, &written)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d relations, %d rows written", rels, written)
}

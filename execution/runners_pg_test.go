package execution_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/deploy"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// base is the schema, with rows, that the synthetic cases run against.
const base = `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER', "name" TEXT);
CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL REFERENCES "User"("id"), "title" TEXT, "views" INTEGER NOT NULL DEFAULT 0, "code" TEXT);
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
INSERT INTO "User" ("email", "name") SELECT 'u' || g || '@example.com', CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 50) g;
INSERT INTO "Post" ("authorId", "title", "views", "code") SELECT 1 + g % 50, CASE WHEN g % 7 = 0 THEN 'dup' ELSE 't' || g END, g, CASE WHEN g = 3 THEN 'x' ELSE g::text END FROM generate_series(1, 200) g;
`

// runnerCase is a migration file run the way each runner sends it.
type runnerCase struct {
	name string
	sql  string
	// corpus names a real migration of the shared corpus, as
	// "triggerdotdev__trigger.dev/<folder>", run after its own history.
	corpus string
	// probe is a table whose locks are read after statement probeAt (0
	// unless set): held there means the next statement runs while they are
	// still held.
	probe   string
	probeAt int
}

var runnerCases = []runnerCase{
	{name: "concurrent index after a table", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
	{name: "lone concurrent index", sql: "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
	{name: "two concurrent indexes", sql: "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\nCREATE INDEX CONCURRENTLY \"Post_views_idx\" ON \"Post\"(\"views\");\n"},
	{name: "drop index concurrently after a table", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nDROP INDEX CONCURRENTLY \"Post_authorId_idx\";\n"},
	{name: "lone drop index concurrently", sql: "DROP INDEX CONCURRENTLY IF EXISTS \"Post_authorId_idx\";\n"},
	{name: "DO block beside a concurrent index", sql: "DO $$ BEGIN UPDATE \"Post\" SET \"views\" = 0 WHERE \"id\" = 1; END $$;\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
	{name: "REINDEX CONCURRENTLY after a statement", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nREINDEX INDEX CONCURRENTLY \"Post_authorId_idx\";\n"},
	{name: "COMMENT ON CONSTRAINT beside a concurrent index", sql: "COMMENT ON CONSTRAINT \"Post_pkey\" ON \"Post\" IS 'key';\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
	{name: "VACUUM after a statement", sql: "UPDATE \"Post\" SET \"views\" = \"views\" + 1;\nVACUUM \"Post\";\n"},
	{name: "new enum value as a default", sql: "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'GUEST';\n"},
	{name: "new enum value in an UPDATE", sql: "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\nUPDATE \"User\" SET \"role\" = 'GUEST' WHERE \"id\" = 1;\n"},
	{name: "new enum value, not used", sql: "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
	{name: "new enum value used inside BEGIN ... COMMIT", sql: "BEGIN;\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\nUPDATE \"User\" SET \"role\" = 'GUEST' WHERE \"id\" = 1;\nCOMMIT;\n"},
	{name: "new enum value beside a concurrent index", sql: "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\nCREATE INDEX CONCURRENTLY \"User_role_idx\" ON \"User\"(\"role\");\n"},
	{name: "unique index over duplicates after a column", sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"},
	{name: "SET NOT NULL over NULLs after a column", sql: "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
	{name: "required column on a table with rows after a table", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nALTER TABLE \"Post\" ADD COLUMN \"tagId\" TEXT NOT NULL;\n"},
	{name: "duplicate insert third", sql: "CREATE TABLE \"A\" (\"id\" INTEGER PRIMARY KEY);\nCREATE TABLE \"B\" (\"id\" INTEGER);\nINSERT INTO \"A\" VALUES (1), (1);\n"},
	{name: "failure inside BEGIN ... COMMIT", sql: "BEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\nCOMMIT;\n"},
	{name: "statement before BEGIN, failure inside", sql: "UPDATE \"Post\" SET \"views\" = \"views\" + 1;\nBEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\nCOMMIT;\n"},
	{name: "first block commits, second fails", sql: "BEGIN;\nCREATE TABLE \"A\" (\"id\" INTEGER);\nCOMMIT;\nBEGIN;\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\nCOMMIT;\n"},
	{name: "CHECK over rows it rejects after a column", sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" < 100);\n"},
	{name: "foreign key over orphans after a table", sql: "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_fkey\" FOREIGN KEY (\"views\") REFERENCES \"Tag\"(\"id\");\n"},
	{name: "cast that fails after a column", sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" ALTER COLUMN \"code\" TYPE INTEGER USING \"code\"::INTEGER;\n"},
	{name: "lone failing unique index", sql: "CREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"},
	{name: "drop index concurrently then a failure", sql: "DROP INDEX CONCURRENTLY \"Post_authorId_idx\";\nCREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"},
	{name: "concurrent index then a failure", sql: "CREATE INDEX CONCURRENTLY \"Post_views_idx\" ON \"Post\"(\"views\");\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
	{name: "DO block then a failure", sql: "DO $$ BEGIN CREATE TABLE \"Tag\" (\"id\" TEXT); END $$;\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
	{name: "locks held into the next statement", probe: "Post",
		sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
	{name: "locks held through an explicit block", probe: "Post", probeAt: 1,
		sql: "BEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\n"},
	{name: "locks of a DO-block file", probe: "Post",
		sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nDO $$ BEGIN PERFORM 1; END $$;\n"},
	{name: "foreign key over a column just added", sql: "ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\");\n"},
	{name: "unique index over a column just added", sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX \"Post_slug_key\" ON \"Post\"(\"slug\");\n"},
	{name: "new tables only", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"name\" TEXT NOT NULL);\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
	{name: "trigger.dev: DO block and ALTERs", corpus: "triggerdotdev__trigger.dev/20231024122736_runtime_environment_shortcodes"},
	{name: "trigger.dev: bulk action v2", corpus: "triggerdotdev__trigger.dev/20250616083614_bulk_action_v2"},
	{name: "trigger.dev: environment branching", corpus: "triggerdotdev__trigger.dev/20250509180155_runtime_environment_branching"},
	{name: "langfuse: seven enum values", corpus: "langfuse__langfuse/20250820143856_add_observation_types"},
	{name: "langfuse: objects for evals", corpus: "langfuse__langfuse/20240408133037_add_objects_for_evals"},
}

// The three ways a file reaches PostgreSQL.
var runnerKinds = []string{"prisma@6.19.0", "prisma@7.8.0", "migrate-guard"}

// observed is what PostgreSQL did with a file.
type observed struct {
	code     string // SQLSTATE of the failure, "" when the file ran
	failedAt int    // index of the failing statement, -1 when none failed
	schema   string // fingerprint after the run
	held     bool   // the probe table's locks were held after the first statement
}

// TestRunnersAgreeWithPostgres runs every case as each runner sends it and
// checks the linter's model against what PostgreSQL did: whether it failed
// with 25001 or 55P04, which statements stayed applied after a failure, and
// whether the first statement's locks were still held when the next ran.
func TestRunnersAgreeWithPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs each case on PostgreSQL three times")
	}
	templates := map[string]string{}
	checked := 0
	parent := t
	for _, c := range runnerCases {
		t.Run(c.name, func(t *testing.T) {
			history, target, ok := caseFiles(t, c)
			if !ok {
				return
			}
			key := c.corpus
			if key == "" {
				key = "base"
			} else {
				key = filepath.Dir(c.corpus) + "/" + filepath.Base(c.corpus)
			}
			tmpl, ok := templates[key]
			if !ok {
				tmpl = template(parent, history)
				templates[key] = tmpl
			}
			f, err := sqlfile.Parse("migration.sql", target)
			if err != nil || len(f.Errors) > 0 {
				t.Fatalf("parse: %v %v", err, f.Errors)
			}
			for _, rk := range runnerKinds {
				runner, err := execution.ParseRunner(rk)
				if err != nil {
					t.Fatal(err)
				}
				plan := execution.Build(f, runner, 15)
				obs := run(t, tmpl, history, target, f, plan, c.probe, c.probeAt)
				verdict := lintVerdict(t, history, target, rk)
				where := fmt.Sprintf("%s (%s)", rk, plan.Mode)
				if got, want := obs.code == "25001", verdict["non-transactional-in-transaction"]; got != want {
					t.Errorf("%s: PostgreSQL 25001 %v (%s), the linter %v", where, got, obs.code, want)
				}
				if got, want := obs.code == "55P04", verdict["enum-value-used-in-same-transaction"]; got != want {
					t.Errorf("%s: PostgreSQL 55P04 %v (%s), the linter %v", where, got, obs.code, want)
				}
				var keep []int
				if obs.failedAt >= 0 {
					keep = plan.CommittedBefore(obs.failedAt)
				} else {
					for i := range f.Stmts {
						keep = append(keep, i)
					}
				}
				if want := expected(t, tmpl, f, keep); obs.schema != want {
					t.Errorf("%s: after failing at statement %d (%s) the database holds\n%s\nthe model says statements %v stayed applied:\n%s",
						where, obs.failedAt+1, obs.code, diffLines(obs.schema, want), keep, diffLines(want, obs.schema))
				}
				if c.probe != "" && rk != "migrate-guard" {
					k := c.probeAt
					model := plan.Tx[k].InTx && plan.Tx[k].ID == plan.Tx[k+1].ID
					if obs.held != model {
						t.Errorf("%s: locks of statement %d held during statement %d: PostgreSQL %v, model %v", where, k+1, k+2, obs.held, model)
					}
				}
				checked++
			}
		})
	}
	t.Logf("%d case runs checked", checked)
}

// caseFiles returns a case's history and file.
func caseFiles(t *testing.T, c runnerCase) (history [][]byte, target []byte, ok bool) {
	if c.corpus == "" {
		return [][]byte{[]byte(base)}, []byte(c.sql), true
	}
	corpus := filepath.Join("..", "..", "shared", "corpus")
	dir := filepath.Join(corpus, filepath.Dir(c.corpus))
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("!!! SKIPPING %s: the corpus %s is absent (%v). Nothing was checked. !!!", c.corpus, corpus, err)
		return nil, nil, false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n, "migration.sql"))
		if err != nil {
			continue
		}
		if n == filepath.Base(c.corpus) {
			return history, data, true
		}
		history = append(history, data)
	}
	t.Fatalf("%s is not in the corpus", c.corpus)
	return nil, nil, false
}

// template deploys the history into a database and returns its URL; the
// cases copy it.
func template(t *testing.T, history [][]byte) string {
	url := pgtest.NewDatabase(t)
	dir := t.TempDir()
	for i, h := range history {
		writeMigration(t, dir, fmt.Sprintf("%05d_h", i), h)
	}
	opts := deploy.DefaultOptions()
	opts.Dir, opts.DatabaseURL, opts.LockTimeout = dir, url, time.Minute
	if _, err := deploy.Deploy(context.Background(), opts); err != nil {
		t.Fatalf("deploying the history: %v", err)
	}
	return url
}

func writeMigration(t *testing.T, dir, name string, sql []byte) {
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name, "migration.sql"), sql, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run sends the file to a copy of the template as the plan's runner does.
func run(t *testing.T, tmpl string, history [][]byte, target []byte, f *sqlfile.File, plan *execution.Plan, probe string, probeAt int) observed {
	url := pgtest.CloneDatabase(t, tmpl)
	ctx := context.Background()
	obs := observed{failedAt: -1}
	if plan.Runner.Kind == execution.MigrateGuard {
		obs.code, obs.failedAt = runDeploy(t, url, history, target, f)
	} else {
		conn := pgtest.Connect(t, url)
		var queries []string
		if plan.Mode == execution.Script {
			queries = []string{withProbe(f, probe, probeAt)}
		} else {
			for i, s := range f.Stmts {
				queries = append(queries, f.Src[s.Start:s.End])
				if i == probeAt && probe != "" {
					queries = append(queries, probeSQL(probe))
				}
			}
		}
		obs.code, obs.failedAt, obs.held = runQueries(ctx, conn, queries, probe != "")
		conn.Close(ctx)
	}
	obs.schema = fingerprint(t, url)
	return obs
}

// withProbe is the file with the probe after statement k.
func withProbe(f *sqlfile.File, probe string, k int) string {
	if probe == "" {
		return f.Src
	}
	end := f.Stmts[k].End
	return f.Src[:end] + ";\n" + probeSQL(probe) + f.Src[end:]
}

// probeSQL lists the locks this session holds on a table.
func probeSQL(table string) string {
	return fmt.Sprintf("SELECT coalesce(string_agg(mode, ','), '') FROM pg_locks WHERE pid = pg_backend_pid() AND relation = to_regclass('public.%s')",
		pgx.Identifier{table}.Sanitize())
}

// runQueries sends each query as one simple-protocol query, stopping at the
// first failure, and returns the SQLSTATE, which statement failed (probes
// not counted) and what the probe saw.
func runQueries(ctx context.Context, conn *pgx.Conn, queries []string, probed bool) (code string, failedAt int, held bool) {
	stmt := 0
	for _, q := range queries {
		mrr := conn.PgConn().Exec(ctx, q)
		for mrr.NextResult() {
			res := mrr.ResultReader().Read()
			if res.Err != nil {
				break
			}
			if probed && len(res.FieldDescriptions) == 1 && len(res.Rows) == 1 && res.FieldDescriptions[0].Name == "coalesce" {
				held = len(res.Rows[0][0]) > 0
				continue
			}
			stmt++
		}
		if err := mrr.Close(); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) {
				return pe.Code, stmt, held
			}
			return err.Error(), stmt, held
		}
	}
	return "", -1, held
}

// runDeploy applies the file with migrate-guard deploy after the history
// the template already holds.
func runDeploy(t *testing.T, url string, history [][]byte, target []byte, f *sqlfile.File) (string, int) {
	dir := t.TempDir()
	for i, h := range history {
		writeMigration(t, dir, fmt.Sprintf("%05d_h", i), h)
	}
	writeMigration(t, dir, fmt.Sprintf("%05d_target", len(history)), target)
	opts := deploy.DefaultOptions()
	opts.Dir, opts.DatabaseURL, opts.Retries = dir, url, 0
	_, err := deploy.Deploy(context.Background(), opts)
	if err == nil {
		return "", -1
	}
	var me *deploy.MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("deploy: %v", err)
	}
	for i, s := range f.Stmts {
		if f.Position(s.Start).Line <= me.Line && me.Line <= f.Position(s.End).Line {
			return me.Code, i
		}
	}
	return me.Code, 0
}

// expected is the fingerprint of a copy of the template after running only
// the statements keep, each on its own.
func expected(t *testing.T, tmpl string, f *sqlfile.File, keep []int) string {
	url := pgtest.CloneDatabase(t, tmpl)
	conn := pgtest.Connect(t, url)
	ctx := context.Background()
	for _, i := range keep {
		s := f.Stmts[i]
		if _, ok := execution.TxKind(s.Node); ok {
			continue // the statements of a committed block run on their own here
		}
		if _, err := conn.Exec(ctx, f.Src[s.Start:s.End], pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("replaying statement %d alone: %v", i+1, err)
		}
	}
	conn.Close(ctx)
	return fingerprint(t, url)
}

// fingerprintSQL describes the schema and the data of the public schema,
// without the history table; INVALID indexes left by a failed concurrent
// build are left out, since no statement's success leaves one.
const fingerprintSQL = `SELECT coalesce(string_agg(x, E'\n' ORDER BY x), '') FROM (
  SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND i.indisvalid AND c.relname NOT LIKE '\_prisma\_migrations%'
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 0 AND conrelid::regclass::text <> '_prisma_migrations'
  UNION ALL
  SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname
  UNION ALL
  SELECT 'rows ' || c.relname || ' ' || (xpath('/row/c/text()', query_to_xml(format(
    'SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) AS c FROM %I.%I t', n.nspname, c.relname), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
) s(x)`

func fingerprint(t *testing.T, url string) string {
	conn := pgtest.Connect(t, url)
	defer conn.Close(context.Background())
	var fp string
	if err := conn.QueryRow(context.Background(), fingerprintSQL).Scan(&fp); err != nil {
		t.Fatalf("fingerprint: %v", err)
	}
	return fp
}

// lintVerdict lints the file under the runner and returns which rules
// reported it.
func lintVerdict(t *testing.T, history [][]byte, target []byte, runner string) map[string]bool {
	cfg := lint.DefaultConfig()
	if err := cfg.SetDeployedBy(runner, "test"); err != nil {
		t.Fatal(err)
	}
	texts := make([]lint.Text, len(history))
	for i, h := range history {
		texts[i] = lint.Text{Path: fmt.Sprintf("%05d.sql", i), SQL: h}
	}
	res, err := lint.RunText(texts, lint.Text{Path: "migration.sql", SQL: target}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range res.Findings {
		out[f.Rule] = true
	}
	return out
}

// diffLines lists the lines of a that b lacks.
func diffLines(a, b string) string {
	in := map[string]bool{}
	for _, l := range strings.Split(b, "\n") {
		in[l] = true
	}
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !in[l] {
			out = append(out, "  + "+l)
		}
	}
	return strings.Join(out, "\n")
}

package stats_test

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/stats"
)

// sizedHistory is the schema the sizing cases change: three tables, an
// enum, an index and a NOT VALID CHECK constraint.
const sizedHistory = `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT, "role" "Role", CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Comment" ("id" SERIAL NOT NULL, "body" TEXT, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));
CREATE INDEX "User_email_idx" ON "User"("email");
ALTER TABLE "User" ADD CONSTRAINT "User_email_check" CHECK ("email" <> '') NOT VALID;
`

// sizedStats writes a stats file giving each table rows rows, a size in
// proportion, and the indexes of sizedHistory.
func sizedStats(t *testing.T, rows int64) (string, *stats.File) {
	doc := `{"version":1,"tables":[
	{"schema":"public","name":"User","rows":R,"heap_bytes":H1,"total_bytes":T1,"indexes":[
		{"name":"User_pkey","bytes":I1,"method":"btree","unique":true},{"name":"User_email_idx","bytes":I2,"method":"btree"}]},
	{"schema":"public","name":"Post","rows":R,"heap_bytes":H2,"total_bytes":T2,"indexes":[
		{"name":"Post_pkey","bytes":I1,"method":"btree","unique":true}]},
	{"schema":"public","name":"Comment","rows":R,"heap_bytes":H1,"total_bytes":T1,"indexes":[
		{"name":"Comment_pkey","bytes":I1,"method":"btree","unique":true}]}]}`
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	doc = strings.NewReplacer("R", n(rows), "H1", n(rows*120), "T1", n(rows*180), "H2", n(rows*300), "T2", n(rows*330),
		"I1", n(rows*22), "I2", n(rows*38)).Replace(doc)
	path := filepath.Join(t.TempDir(), "stats.json")
	writeFile(t, path, doc)
	st, err := stats.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return path, st
}

// expected sums the model's estimates of work items, rounded as lint
// rounds them.
func expected(st *stats.File, items ...analysis.Work) [2]float64 {
	var lo, hi float64
	for _, w := range items {
		t := st.Table(w.Table)
		if w.Index != (catalog.Name{}) {
			t = &stats.Table{HeapBytes: t.Index(w.Index.Name).Bytes, Rows: t.Rows}
		}
		l, h := stats.Estimate(st.Rates(), w.Op, t, nil)
		lo, hi = lo+l, hi+h
	}
	r := func(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }
	return [2]float64{r(lo), r(hi)}
}

type sizedFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Impact   *struct {
		Table            string     `json:"table"`
		Lock             string     `json:"lock"`
		Blocks           string     `json:"blocks"`
		EstimatedSeconds [2]float64 `json:"estimated_seconds"`
		EstimateFrom     string     `json:"estimate_from"`
	} `json:"impact"`
}

// lintSized lints migration after sizedHistory and returns its finding of
// rule.
func lintSized(t *testing.T, migration, rule string, args ...string) sizedFinding {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "prisma", "migrations")
	writeFile(t, filepath.Join(dir, "migration_lock.toml"), "provider = \"postgresql\"\n")
	writeFile(t, filepath.Join(dir, "20240101000000_init", "migration.sql"), sizedHistory)
	last := filepath.Join(dir, "20240201000000_change", "migration.sql")
	writeFile(t, last, migration)
	code, out, errs := run(append(append([]string{"lint", "--format", "json", "--fail-on", "never"}, args...), last)...)
	if code != 0 {
		t.Fatalf("lint exit %d: %s", code, errs)
	}
	var doc struct{ Findings []sizedFinding }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Findings {
		if f.Rule == rule {
			return f
		}
	}
	t.Fatalf("no %s finding in %s", rule, out)
	return sizedFinding{}
}

func table(name string) catalog.Name { return catalog.Name{Schema: "public", Name: name} }

// TestSizedLockFindings: every rule reporting a lock held during a scan,
// rewrite or index build on a table the stats know states the table's size
// and the model's estimate (for a lock held across a transaction, the sum
// of the work done while it is held), and at 50 M rows is an error; a lock
// held while nothing reads rows, or over 1,000 rows, is a notice unless the
// finding also says the statement fails on existing data.
func TestSizedLockFindings(t *testing.T) {
	big, bigStats := sizedStats(t, 50_000_000)
	small, _ := sizedStats(t, 1000)
	for _, c := range []struct {
		name, sql, rule string
		table, lock     string
		work            []analysis.Work
		keeps           bool   // severity kept at 1,000 rows
		bigSeverity     string // at 50 M rows, when not error
	}{
		{name: "REINDEX INDEX", sql: `REINDEX INDEX "User_email_idx";`, rule: "require-concurrent-reindex",
			table: "User", lock: "ACCESS EXCLUSIVE", work: []analysis.Work{{Table: table("User"), Op: analysis.IndexBuild}}},
		{name: "REINDEX TABLE", sql: `REINDEX TABLE "User";`, rule: "require-concurrent-reindex",
			table: "User", lock: "ACCESS EXCLUSIVE", work: []analysis.Work{{Table: table("User"), Op: analysis.IndexesRebuild}}},
		{name: "SET TABLESPACE", sql: `ALTER TABLE "Post" SET TABLESPACE "fast";`, rule: "set-tablespace",
			table: "Post", lock: "ACCESS EXCLUSIVE", work: []analysis.Work{{Table: table("Post"), Op: analysis.Copy}},
			bigSeverity: "warning"},
		{name: "index SET TABLESPACE", sql: `ALTER INDEX "User_email_idx" SET TABLESPACE "fast";`, rule: "set-tablespace",
			table: "User", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("User"), Op: analysis.Copy, Index: table("User_email_idx")}}, bigSeverity: "warning"},
		{name: "redefine-index", sql: "-- RedefineIndex\nDROP INDEX \"User_email_idx\";\nCREATE UNIQUE INDEX \"User_email_idx\" ON \"User\"(\"email\");",
			rule: "redefine-index", table: "User", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("User"), Op: analysis.UniqueIndexBuild}}},
		{name: "rebuilt primary key", sql: `ALTER TABLE "Post" DROP CONSTRAINT "Post_pkey", ADD CONSTRAINT "Post_pkey" PRIMARY KEY ("id", "title");`,
			rule: "drop-primary-key", table: "Post", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("Post"), Op: analysis.UniqueIndexBuild}}, keeps: true},
		{name: "exclusion constraint", sql: `ALTER TABLE "Comment" ADD CONSTRAINT "Comment_body_excl" EXCLUDE USING btree ("body" WITH =);`,
			rule: "exclusion-constraint", table: "Comment", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("Comment"), Op: analysis.IndexBuild}}, keeps: true},
		{name: "Prisma enum swap", sql: `BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TABLE "Post" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
COMMIT;`, rule: "enum-value-removal", table: "User", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("User"), Op: analysis.Rewrite}, {Table: table("Post"), Op: analysis.Rewrite}}, keeps: true},
		{name: "long-access-exclusive", sql: `ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_check";`, rule: "long-access-exclusive", table: "Post", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("User"), Op: analysis.CheckScan}}, bigSeverity: "warning"},
		{name: "many-access-exclusive", sql: `ALTER TABLE "User" ADD COLUMN "bio" TEXT;
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
ALTER TABLE "Comment" ADD COLUMN "editedAt" TIMESTAMP(3);
CREATE INDEX "Post_slug_idx" ON "Post"("slug");`, rule: "many-access-exclusive", table: "User", lock: "ACCESS EXCLUSIVE",
			work: []analysis.Work{{Table: table("Post"), Op: analysis.IndexBuild}}, keeps: true},
		{name: "many-access-exclusive, no work", sql: `ALTER TABLE "User" ADD COLUMN "bio" TEXT;
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
ALTER TABLE "Comment" ADD COLUMN "editedAt" TIMESTAMP(3);`, rule: "many-access-exclusive", table: "User", lock: "ACCESS EXCLUSIVE",
			bigSeverity: "warning", keeps: true}, // the deadlock risk does not shrink with the work
		{name: "LOCK TABLE", sql: `BEGIN;
LOCK TABLE "Comment" IN SHARE MODE;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_check";
CREATE INDEX "Comment_body_idx" ON "Comment"("body");
COMMIT;`, rule: "lock-table", table: "Comment", lock: "SHARE",
			work: []analysis.Work{{Table: table("User"), Op: analysis.CheckScan}, {Table: table("Comment"), Op: analysis.IndexBuild}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			plain := lintSized(t, c.sql, c.rule)
			f := lintSized(t, c.sql, c.rule, "--stats", big)
			want := expected(bigStats, c.work...)
			if f.Impact == nil || f.Impact.Table != "public."+c.table || f.Impact.Lock != c.lock ||
				f.Impact.EstimateFrom != "model" || f.Impact.EstimatedSeconds != want {
				t.Fatalf("50 M rows: impact %+v, want public.%s, %s, %v from the model", f.Impact, c.table, c.lock, want)
			}
			if !strings.HasPrefix(f.Message, plain.Message+` ("`+c.table+`": 50 M rows, `) {
				t.Errorf("50 M rows: message %q does not extend %q with the size", f.Message, plain.Message)
			}
			wantSev := "error"
			if c.bigSeverity != "" {
				wantSev = c.bigSeverity
			}
			if f.Severity != wantSev {
				t.Errorf("50 M rows: severity %s, want %s (estimate %v)", f.Severity, wantSev, f.Impact.EstimatedSeconds)
			}
			wantSev = "notice"
			if c.keeps {
				wantSev = plain.Severity
			}
			if f := lintSized(t, c.sql, c.rule, "--stats", small); f.Impact == nil || f.Severity != wantSev {
				t.Errorf("1,000 rows: severity %s, want %s (impact %+v)", f.Severity, wantSev, f.Impact)
			}
		})
	}
}

// TestHeldLockUnknownWork: a lock held while a statement does work no cost
// model covers (a backfill) has no estimate: the finding is as without
// stats.
func TestHeldLockUnknownWork(t *testing.T) {
	big, _ := sizedStats(t, 50_000_000)
	sql := "BEGIN;\nLOCK TABLE \"Comment\" IN SHARE MODE;\nUPDATE \"Post\" SET \"title\" = 'x';\nCOMMIT;"
	plain := lintSized(t, sql, "lock-table")
	if f := lintSized(t, sql, "lock-table", "--stats", big); f.Impact != nil || f.Message != plain.Message || f.Severity != plain.Severity {
		t.Errorf("with stats: %+v, want %+v", f, plain)
	}
}

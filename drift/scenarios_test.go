package drift

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/lint"
)

// scenario is a hotfix made by hand after a deploy of testdata/base.
type scenario struct {
	name   string
	hotfix string   // run statement by statement; errors are tolerated only with failOK
	failOK bool     // the hotfix fails on purpose (a cancelled concurrent build)
	want   []string // the drift: "change kind object"
	// residual is the drift the written migration cannot fold back.
	residual []string
	comments bool
}

var scenarios = []scenario{
	{name: "index added", hotfix: `CREATE INDEX "Post_title_idx" ON "Post" ("title")`,
		want: []string{"extra index public.Post_title_idx"}},
	{name: "index dropped", hotfix: `DROP INDEX "Post_authorId_idx"`,
		want: []string{"missing index public.Post_authorId_idx"}},
	{name: "index redefined", hotfix: `DROP INDEX "Post_authorId_idx"; CREATE INDEX "Post_authorId_idx" ON "Post" ("authorId", "published")`,
		want: []string{"differs index public.Post_authorId_idx"}},
	{name: "partial unique index added", hotfix: `CREATE UNIQUE INDEX "Post_title_published_key" ON "Post" ("title") WHERE "published"`,
		want: []string{"extra index public.Post_title_published_key"}},
	{name: "column added", hotfix: `ALTER TABLE "User" ADD COLUMN "bio" TEXT`,
		want: []string{"extra column public.User.bio"}},
	{name: "column with default added", hotfix: `ALTER TABLE "User" ADD COLUMN "score" INTEGER NOT NULL DEFAULT 0`,
		want: []string{"extra column public.User.score"}},
	{name: "column dropped", hotfix: `ALTER TABLE "User" DROP COLUMN "name"`,
		want: []string{"missing column public.User.name"}},
	{name: "column type changed", hotfix: `ALTER TABLE "User" ALTER COLUMN "name" TYPE VARCHAR(100)`,
		want: []string{"differs column public.User.name"}},
	{name: "column type changed with a view on it", hotfix: `DROP VIEW "PublishedPost";
		ALTER TABLE "Post" ALTER COLUMN "title" TYPE VARCHAR(500);
		CREATE VIEW "PublishedPost" AS SELECT "id", "title" FROM "Post" WHERE "published"`,
		want: []string{"differs column public.Post.title"}},
	{name: "column collation changed", hotfix: `ALTER TABLE "Tag" ALTER COLUMN "label" TYPE TEXT COLLATE "C"`,
		want: []string{"differs column public.Tag.label"}},
	{name: "default changed", hotfix: `ALTER TABLE "Post" ALTER COLUMN "views" SET DEFAULT 1`,
		want: []string{"differs column public.Post.views"}},
	{name: "default dropped", hotfix: `ALTER TABLE "Post" ALTER COLUMN "published" DROP DEFAULT`,
		want: []string{"differs column public.Post.published"}},
	{name: "NOT NULL dropped", hotfix: `ALTER TABLE "User" ALTER COLUMN "email" DROP NOT NULL`,
		want: []string{"differs column public.User.email"}},
	{name: "NOT NULL added", hotfix: `ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL`,
		want: []string{"differs column public.User.name"}},
	{name: "CHECK added", hotfix: `ALTER TABLE "Post" ADD CONSTRAINT "Post_views_check" CHECK ("views" >= 0)`,
		want: []string{"extra constraint public.Post.Post_views_check"}},
	{name: "constraint left NOT VALID", hotfix: `ALTER TABLE "Post" ADD CONSTRAINT "Post_title_check" CHECK (length("title") > 0) NOT VALID`,
		want: []string{"extra constraint public.Post.Post_title_check"}},
	{name: "FK dropped", hotfix: `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey"`,
		want: []string{"missing constraint public.Post.Post_authorId_fkey"}},
	{name: "FK changed", hotfix: `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
		ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE`,
		want: []string{"differs constraint public.Post.Post_authorId_fkey"}},
	{name: "unique constraint added", hotfix: `ALTER TABLE "Tag" ADD CONSTRAINT "Tag_label_key" UNIQUE ("label")`,
		want: []string{"extra constraint public.Tag.Tag_label_key"}},
	{name: "enum value added", hotfix: `ALTER TYPE "Role" ADD VALUE 'EDITOR' BEFORE 'ADMIN'`,
		want: []string{"differs enum public.Role"}},
	{name: "enum value added and used", hotfix: `ALTER TYPE "Role" ADD VALUE 'GUEST'; ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'GUEST'`,
		want: []string{"differs column public.User.role", "differs enum public.Role"}},
	{name: "domain added", hotfix: `CREATE DOMAIN "Email" AS TEXT NOT NULL CHECK (VALUE LIKE '%@%')`,
		want: []string{"extra domain public.Email"}},
	{name: "enum added", hotfix: `CREATE TYPE "Status" AS ENUM ('OPEN', 'CLOSED')`,
		want: []string{"extra enum public.Status"}},
	{name: "function replaced", hotfix: `CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."createdAt" := clock_timestamp(); RETURN NEW; END $$`,
		want: []string{"differs function public.touch()"}},
	{name: "function added", hotfix: `CREATE FUNCTION add_views(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b'`,
		want: []string{"extra function public.add_views(a integer, b integer)"}},
	{name: "trigger added", hotfix: `CREATE TRIGGER "User_touch_insert" BEFORE INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION touch()`,
		want: []string{"extra trigger public.User.User_touch_insert"}},
	{name: "trigger dropped", hotfix: `DROP TRIGGER "User_touch" ON "User"`,
		want: []string{"missing trigger public.User.User_touch"}},
	{name: "trigger disabled", hotfix: `ALTER TABLE "User" DISABLE TRIGGER "User_touch"`,
		want: []string{"differs trigger public.User.User_touch"}},
	{name: "enum value renamed", hotfix: `ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER'`,
		want: []string{"differs enum public.Role"}},
	{name: "serial column added", hotfix: `ALTER TABLE "Tag" ADD COLUMN "rank" SERIAL`,
		want: []string{"extra column public.Tag.rank", "extra sequence public.Tag_rank_seq"}},
	{name: "identity column added", hotfix: `ALTER TABLE "Tag" ADD COLUMN "seq" BIGINT GENERATED BY DEFAULT AS IDENTITY`,
		want: []string{"extra column public.Tag.seq"}},
	{name: "generated column added", hotfix: `ALTER TABLE "Post" ADD COLUMN "titleLength" INTEGER GENERATED ALWAYS AS (length("title")) STORED`,
		want: []string{"extra column public.Post.titleLength"}},
	{name: "exclusion constraint added", hotfix: `ALTER TABLE "Tag" ADD CONSTRAINT "Tag_label_excl" EXCLUDE USING btree ("label" WITH =)`,
		want: []string{"extra constraint public.Tag.Tag_label_excl"}},
	{name: "deferrable unique constraint added", hotfix: `ALTER TABLE "Tag" ADD CONSTRAINT "Tag_label_key" UNIQUE ("label") DEFERRABLE INITIALLY DEFERRED`,
		want: []string{"extra constraint public.Tag.Tag_label_key"}},
	{name: "procedure added", hotfix: `CREATE PROCEDURE reset_views() LANGUAGE sql AS $$ UPDATE "Post" SET "views" = 0 $$`,
		want: []string{"extra procedure public.reset_views()"}},
	{name: "function and its trigger dropped", hotfix: `DROP TRIGGER "User_touch" ON "User"; DROP FUNCTION touch()`,
		want: []string{"missing function public.touch()", "missing trigger public.User.User_touch"}},
	{name: "RLS forced", hotfix: `ALTER TABLE "Tag" ENABLE ROW LEVEL SECURITY; ALTER TABLE "Tag" FORCE ROW LEVEL SECURITY`,
		want: []string{"extra row level security public.Tag"}},
	{name: "partitioned table added", hotfix: `CREATE TABLE "Event" ("id" BIGINT NOT NULL, "at" DATE NOT NULL) PARTITION BY RANGE ("at");
		CREATE TABLE "Event_2026" PARTITION OF "Event" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
		want: []string{"extra table public.Event", "extra table public.Event_2026"}},
	{name: "view redefined", hotfix: `CREATE OR REPLACE VIEW "PublishedPost" AS SELECT "id", "title", "authorId" FROM "Post" WHERE "published"`,
		want: []string{"differs view public.PublishedPost"}},
	{name: "view dropped", hotfix: `DROP VIEW "PublishedPost"`,
		want: []string{"missing view public.PublishedPost"}},
	{name: "materialized view added", hotfix: `CREATE MATERIALIZED VIEW "PostStats" AS SELECT "authorId", count(*) AS n FROM "Post" GROUP BY "authorId";
		CREATE UNIQUE INDEX "PostStats_authorId_key" ON "PostStats" ("authorId")`,
		want: []string{"extra materialized view public.PostStats"}},
	{name: "extension installed", hotfix: `CREATE EXTENSION pg_trgm`,
		want: []string{"extra extension pg_trgm"}},
	{name: "RLS enabled and a policy added", hotfix: `ALTER TABLE "Post" ENABLE ROW LEVEL SECURITY; CREATE POLICY "Post_published" ON "Post" FOR SELECT USING ("published")`,
		want: []string{"extra policy public.Post.Post_published", "extra row level security public.Post"}},
	{name: "INVALID index left by a cancelled concurrent build", failOK: true,
		hotfix: `INSERT INTO "Tag" ("label") VALUES ('a'), ('a'); CREATE UNIQUE INDEX CONCURRENTLY "Tag_label_key" ON "Tag" ("label")`,
		want:   []string{"extra index public.Tag_label_key"}, residual: []string{"extra index public.Tag_label_key"}},
	{name: "table added", hotfix: `CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "text" TEXT NOT NULL, "userId" INTEGER REFERENCES "User" ("id"));
		CREATE INDEX "Note_userId_idx" ON "Note" ("userId")`,
		want: []string{"extra table public.Note"}},
	{name: "table dropped", hotfix: `DROP TABLE "Audit"`,
		want: []string{"missing table public.Audit"}},
	{name: "table renamed", hotfix: `ALTER TABLE "Tag" RENAME TO "Label"`,
		want: []string{"extra table public.Label", "missing table public.Tag"}},
	{name: "column renamed", hotfix: `ALTER TABLE "Post" RENAME COLUMN "body" TO "content"`,
		want: []string{"extra column public.Post.content", "missing column public.Post.body"}},
	{name: "sequence changed", hotfix: `ALTER SEQUENCE "invoice_seq" INCREMENT BY 10`,
		want: []string{"differs sequence public.invoice_seq"}},
	{name: "sequence restarted is not drift", hotfix: `ALTER SEQUENCE "invoice_seq" RESTART WITH 5000; SELECT setval('"User_id_seq"', 77)`},
	{name: "comments are not drift by default", hotfix: `COMMENT ON TABLE "User" IS 'people'; COMMENT ON COLUMN "Post"."title" IS 'headline'`},
	{name: "comments are drift when configured", comments: true, hotfix: `COMMENT ON TABLE "User" IS 'people'`,
		want: []string{"extra comment table public.User"}},
}

// TestHotfixes applies each hotfix by hand after a deploy and checks that
// drift reports exactly it; then that the written migration folds it back:
// a fresh database deployed from the history plus the migration has the
// hotfixed one's schema. (TestCommand runs the whole workflow, resolve
// --applied and drift again, through the command line.)
func TestHotfixes(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	for _, sc := range scenarios {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, "testdata/base")
			db := pgtest.NewDatabase(t)
			mustDeploy(t, dir, db)
			runHotfix(t, db, sc)

			rep := mustCheck(t, dir, db, shadow, sc.comments)
			if got := lines(rep.Drift); !sameLines(got, sc.want) {
				t.Fatalf("drift:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(sc.want, "\n"))
			}
			if len(sc.want) == 0 {
				return
			}
			w, err := WriteMigrations(rep, dir, "hotfix", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), lint.DefaultConfig())
			if err != nil {
				t.Fatalf("write migration: %v", err)
			}
			for _, p := range w.Paths {
				data, _ := os.ReadFile(p)
				t.Logf("%s:\n%s", p, data)
			}
			for _, warn := range w.Warnings {
				t.Logf("warning: %s", warn)
			}
			fresh := pgtest.NewDatabase(t)
			mustDeploy(t, dir, fresh)
			if got := lines(compareDatabases(t, db, fresh, rep.Schemas, sc.comments)); !sameLines(got, sc.residual) {
				t.Errorf("hotfixed database versus fresh one deployed with the written migration:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(sc.residual, "\n"))
			}
		})
	}
}

func runHotfix(t *testing.T, db string, sc scenario) {
	t.Helper()
	conn := pgtest.Connect(t, db)
	// Simple protocol, one query: like psql -c, each statement commits on
	// its own, and CREATE INDEX CONCURRENTLY may run.
	stmts, err := pg.SplitWithParser(sc.hotfix, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range stmts {
		if _, err := conn.Exec(context.Background(), stmt); err != nil && !sc.failOK {
			t.Fatalf("hotfix %q: %v", stmt, err)
		}
	}
}

// compareDatabases introspects two databases and compares them, a as the
// database and b as the history.
func compareDatabases(t *testing.T, a, b string, schemas []string, comments bool) []Difference {
	t.Helper()
	opts := IntrospectOptions{Schemas: schemas, Comments: comments}
	var s [2]*Schema
	for i, u := range []string{a, b} {
		conn, err := connectTo(context.Background(), u, fmt.Sprint("database ", i))
		if err != nil {
			t.Fatal(err)
		}
		s[i], err = Introspect(context.Background(), conn, opts)
		conn.Close(context.Background())
		if err != nil {
			t.Fatal(err)
		}
	}
	return Compare(s[0], s[1])
}

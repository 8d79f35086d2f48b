package trace_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/trace"
)

// history is the schema the observation cases run on; every table gets
// synthetic rows before a case's migration runs.
const history = `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" (id serial PRIMARY KEY, email varchar(100) NOT NULL, name text, age int, role "Role" NOT NULL DEFAULT 'USER',
  score int4, created timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, bio text);
CREATE UNIQUE INDEX "User_email_key" ON "User"(email);
CREATE TABLE "Post" (id text PRIMARY KEY, "authorId" int NOT NULL, title varchar(50) NOT NULL, views int, body text);
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID;
ALTER TABLE "User" ADD CONSTRAINT "User_age_check" CHECK (age > 0) NOT VALID;
CREATE TABLE "Tag" (id int PRIMARY KEY, label text);
CREATE MATERIALIZED VIEW "Stats" AS SELECT count(*) AS n FROM "User";
CREATE TABLE "Event" (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE "Event_all" PARTITION OF "Event" DEFAULT;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`

// The relations whose locks every case checks: a lock on one of them that
// a case does not expect is an error.
var checked = []string{"public.User", "public.Post", "public.Tag", "public.Stats", "public.Event", "public.Event_all"}

const (
	accessShare  = "AccessShareLock"
	rowShare     = "RowShareLock"
	rowExcl      = "RowExclusiveLock"
	shareUpdExcl = "ShareUpdateExclusiveLock"
	share        = "ShareLock"
	shareRowExcl = "ShareRowExclusiveLock"
	accessExcl   = "AccessExclusiveLock"
)

var userRewrite = []string{"public.User", "public.User_email_key", "public.User_pkey"}

// observeCases are statements whose locks and rewrites PostgreSQL 15 is
// known to take (the ALTER TABLE reference page, its Notes on rewrites, and
// the lock levels of each command's reference page). locks holds the
// strongest mode on each relation; rewritten the relations given new
// storage; code the SQLSTATE it fails with.
var observeCases = []struct {
	sql       string
	locks     map[string]string
	rewritten []string
	code      string
}{
	// Column type changes: a rewrite unless the old values are valid as they are.
	{sql: `ALTER TABLE "User" ALTER COLUMN age TYPE bigint`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "Post" ALTER COLUMN views TYPE text`, locks: map[string]string{"public.Post": accessExcl},
		rewritten: []string{"public.Post", "public.Post_authorId_idx", "public.Post_pkey"}},
	{sql: `ALTER TABLE "User" ALTER COLUMN score TYPE numeric`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ALTER COLUMN role TYPE text`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ALTER COLUMN name TYPE varchar(10)`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ALTER COLUMN email TYPE varchar(200)`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN email TYPE text`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN name TYPE varchar`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "Post" ALTER COLUMN title TYPE varchar(20)`, locks: map[string]string{"public.Post": accessExcl},
		rewritten: []string{"public.Post", "public.Post_authorId_idx", "public.Post_pkey"}},
	{sql: `ALTER TABLE "User" ALTER COLUMN created TYPE timestamp(6)`, locks: map[string]string{"public.User": accessExcl}},
	// ADD COLUMN: catalog-only unless the default is volatile or the column is stored.
	{sql: `ALTER TABLE "User" ADD COLUMN nick text`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ADD COLUMN level int NOT NULL DEFAULT 0`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ADD COLUMN seen timestamptz DEFAULT now()`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ADD COLUMN token uuid DEFAULT gen_random_uuid()`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ADD COLUMN seq serial`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ADD COLUMN num int GENERATED ALWAYS AS IDENTITY`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ADD COLUMN twice int GENERATED ALWAYS AS (age * 2) STORED`, locks: map[string]string{"public.User": accessExcl}, rewritten: userRewrite},
	{sql: `ALTER TABLE "User" ADD COLUMN required int NOT NULL`, code: "23502"},
	// Other column changes.
	{sql: `ALTER TABLE "User" DROP COLUMN bio`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN name SET DEFAULT 'x'`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN role DROP DEFAULT`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN age SET NOT NULL`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN email DROP NOT NULL`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" RENAME COLUMN name TO "fullName"`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ALTER COLUMN age SET STATISTICS 100`, locks: map[string]string{"public.User": shareUpdExcl}},
	// Indexes.
	{sql: `CREATE INDEX "Post_title_idx" ON "Post"(title)`, locks: map[string]string{"public.Post": share}},
	{sql: `CREATE INDEX CONCURRENTLY "Post_views_idx" ON "Post"(views)`, locks: map[string]string{"public.Post": shareUpdExcl}},
	{sql: `CREATE UNIQUE INDEX "User_role_key" ON "User"(role)`, code: "23505"},
	{sql: `CREATE INDEX "Event_at_idx" ON "Event"(at)`, locks: map[string]string{"public.Event": share, "public.Event_all": share}},
	{sql: `DROP INDEX "Post_authorId_idx"`, locks: map[string]string{"public.Post": accessExcl, "public.Post_authorId_idx": accessExcl}},
	// Its last step takes ACCESS EXCLUSIVE on the dead index, too briefly to
	// be sampled every time; the table's lock is what queries feel.
	{sql: `DROP INDEX CONCURRENTLY "Post_authorId_idx"`, locks: map[string]string{"public.Post": shareUpdExcl}},
	{sql: `ALTER INDEX "Post_authorId_idx" RENAME TO "Post_author_idx"`, locks: map[string]string{"public.Post_authorId_idx": shareUpdExcl}},
	{sql: `REINDEX TABLE "Tag"`, locks: map[string]string{"public.Tag": share, "public.Tag_pkey": accessExcl}, rewritten: []string{"public.Tag_pkey"}},
	// Constraints.
	{sql: `ALTER TABLE "Post" ADD CONSTRAINT "Post_author2_fkey" FOREIGN KEY ("authorId") REFERENCES "User"(id)`,
		locks: map[string]string{"public.Post": shareRowExcl, "public.User": shareRowExcl}},
	{sql: `ALTER TABLE "Post" ADD CONSTRAINT "Post_author2_fkey" FOREIGN KEY ("authorId") REFERENCES "User"(id) NOT VALID`,
		locks: map[string]string{"public.Post": shareRowExcl, "public.User": shareRowExcl}},
	{sql: `ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey"`, locks: map[string]string{"public.Post": shareUpdExcl, "public.User": rowShare}},
	{sql: `ALTER TABLE "User" ADD CONSTRAINT "User_score_check" CHECK (score > 0)`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" ADD CONSTRAINT "User_score_check" CHECK (score < 0)`, code: "23514"},
	{sql: `ALTER TABLE "User" ADD CONSTRAINT "User_score_check" CHECK (score < 0) NOT VALID`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "User" VALIDATE CONSTRAINT "User_age_check"`, locks: map[string]string{"public.User": shareUpdExcl}},
	{sql: `ALTER TABLE "User" ADD CONSTRAINT "User_email_uniq" UNIQUE (email)`, locks: map[string]string{"public.User": accessExcl}},
	{sql: `ALTER TABLE "Tag" DROP CONSTRAINT "Tag_pkey"`, locks: map[string]string{"public.Tag": accessExcl, "public.Tag_pkey": accessExcl}},
	{sql: `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey"`, locks: map[string]string{"public.Post": accessExcl, "public.User": accessExcl}},
	// Whole tables.
	{sql: `ALTER TABLE "Tag" RENAME TO "Label"`, locks: map[string]string{"public.Tag": accessExcl}},
	{sql: `ALTER TABLE "Tag" SET UNLOGGED`, locks: map[string]string{"public.Tag": accessExcl}, rewritten: []string{"public.Tag", "public.Tag_pkey"}},
	{sql: `ALTER TABLE "User" SET (fillfactor = 70)`, locks: map[string]string{"public.User": shareUpdExcl}},
	{sql: `TRUNCATE "Tag"`, locks: map[string]string{"public.Tag": accessExcl}, rewritten: []string{"public.Tag", "public.Tag_pkey"}},
	{sql: `VACUUM FULL "Tag"`, locks: map[string]string{"public.Tag": accessExcl}, rewritten: []string{"public.Tag", "public.Tag_pkey"}},
	{sql: `CLUSTER "Tag" USING "Tag_pkey"`, locks: map[string]string{"public.Tag": accessExcl}, rewritten: []string{"public.Tag", "public.Tag_pkey"}},
	{sql: `DROP TABLE "Tag"`, locks: map[string]string{"public.Tag": accessExcl}},
	{sql: `REFRESH MATERIALIZED VIEW "Stats"`, locks: map[string]string{"public.Stats": accessExcl, "public.User": accessShare},
		rewritten: []string{"public.Stats"}},
	{sql: `ALTER TABLE "Event" ADD COLUMN note text`, locks: map[string]string{"public.Event": accessExcl, "public.Event_all": accessExcl}},
	{sql: `CREATE TABLE "Like" (id int PRIMARY KEY, "userId" int REFERENCES "User"(id))`, locks: map[string]string{"public.User": shareRowExcl}},
	{sql: `CREATE TRIGGER t BEFORE UPDATE ON "Tag" FOR EACH ROW EXECUTE FUNCTION touch()`, locks: map[string]string{"public.Tag": shareRowExcl}},
	{sql: `COMMENT ON TABLE "User" IS 'people'`, locks: map[string]string{"public.User": shareUpdExcl}},
	{sql: `LOCK TABLE "Tag" IN SHARE MODE`, locks: map[string]string{"public.Tag": share}},
	// Data changes.
	{sql: `UPDATE "User" SET name = 'x'`, locks: map[string]string{"public.User": rowExcl}},
	{sql: `DELETE FROM "Tag" WHERE id < 0`, locks: map[string]string{"public.Tag": rowExcl}},
	{sql: `INSERT INTO "Tag" VALUES (-1, 'x')`, locks: map[string]string{"public.Tag": rowExcl}},
	{sql: `ALTER TYPE "Role" ADD VALUE 'OWNER'`},
}

// TestObservedLocksAndRewrites checks what the trace observes against what
// PostgreSQL is known to do, statement by statement.
func TestObservedLocksAndRewrites(t *testing.T) {
	if len(observeCases) < 40 {
		t.Fatalf("only %d cases", len(observeCases))
	}
	for _, c := range observeCases {
		t.Run(c.sql, func(t *testing.T) {
			t.Parallel()
			res, err := trace.Run(context.Background(), lastOf(t, writeDir(t, history, c.sql)),
				trace.Options{URL: pgtest.NewDatabase(t), Rows: 200})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Unfilled) > 0 {
				t.Fatalf("tables left empty: %+v", res.Unfilled)
			}
			st := res.Statements[len(res.Statements)-1]
			if c.code != "" {
				if st.Error == nil || st.Error.Code != c.code {
					t.Fatalf("error = %+v, want SQLSTATE %s", st.Error, c.code)
				}
				return
			}
			if st.Error != nil {
				t.Fatalf("failed: %+v", st.Error)
			}
			got := strongest(st.Locks)
			for rel, mode := range c.locks {
				if got[rel] != mode {
					t.Errorf("lock on %s = %q, want %q", rel, got[rel], mode)
				}
			}
			for _, rel := range checked {
				if _, want := c.locks[rel]; !want && got[rel] != "" {
					t.Errorf("unexpected %s on %s", got[rel], rel)
				}
			}
			want := append([]string{}, c.rewritten...)
			sort.Strings(want)
			if !reflect.DeepEqual(st.Rewritten, want) && (len(want) > 0 || len(st.Rewritten) > 0) {
				t.Errorf("rewritten = %v, want %v", st.Rewritten, want)
			}
		})
	}
}

// strongest returns the strongest mode taken on each relation.
func strongest(ls []trace.Lock) map[string]string {
	rank := map[string]int{accessShare: 1, rowShare: 2, rowExcl: 3, shareUpdExcl: 4, share: 5, shareRowExcl: 6, "ExclusiveLock": 7, accessExcl: 8}
	out := map[string]string{}
	for _, l := range ls {
		if rank[l.Mode] > rank[out[l.Relation]] {
			out[l.Relation] = l.Mode
		}
	}
	return out
}

package locks_test

import (
	"fmt"
	"strings"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

var allModes = []locks.Mode{locks.AccessShare, locks.RowShare, locks.RowExclusive, locks.ShareUpdateExclusive,
	locks.Share, locks.ShareRowExclusive, locks.Exclusive, locks.AccessExclusive}

// docsTable is Table 13.2 "Conflicting Lock Modes" of the PostgreSQL
// documentation ("Explicit Locking"), transcribed: a row per requested mode,
// an X under each existing mode it conflicts with.
const docsTable = `
                        AS  RS  RE  SUE S   SRE E   AE
ACCESS SHARE            .   .   .   .   .   .   .   X
ROW SHARE               .   .   .   .   .   .   X   X
ROW EXCLUSIVE           .   .   .   .   X   X   X   X
SHARE UPDATE EXCLUSIVE  .   .   .   X   X   X   X   X
SHARE                   .   .   X   X   .   X   X   X
SHARE ROW EXCLUSIVE     .   .   X   X   X   X   X   X
EXCLUSIVE               .   X   X   X   X   X   X   X
ACCESS EXCLUSIVE        X   X   X   X   X   X   X   X
`

func TestConflictMatrixMatchesDocs(t *testing.T) {
	rows := strings.Split(strings.Trim(docsTable, "\n"), "\n")[1:]
	if len(rows) != len(allModes) {
		t.Fatalf("table has %d rows", len(rows))
	}
	for i, row := range rows {
		f := strings.Fields(row)
		marks := f[len(f)-len(allModes):]
		requested := allModes[i]
		if name := strings.Join(f[:len(f)-len(allModes)], " "); name != requested.String() {
			t.Fatalf("row %d is %s, want %s", i, name, requested)
		}
		for j, held := range allModes {
			if got, want := requested.Conflicts(held), marks[j] == "X"; got != want {
				t.Errorf("%s requested while %s is held: conflicts = %v, docs say %v", requested, held, got, want)
			}
		}
	}
}

func TestConflictMatrixSymmetric(t *testing.T) {
	for _, a := range allModes {
		for _, b := range allModes {
			if a.Conflicts(b) != b.Conflicts(a) {
				t.Errorf("%s/%s: not symmetric", a, b)
			}
		}
		if locks.None.Conflicts(a) || a.Conflicts(locks.None) {
			t.Errorf("no lock conflicts with %s", a)
		}
	}
}

func TestModeNames(t *testing.T) {
	for _, c := range []struct {
		m            locks.Mode
		name, pgName string
	}{
		{locks.AccessShare, "ACCESS SHARE", "AccessShareLock"},
		{locks.ShareUpdateExclusive, "SHARE UPDATE EXCLUSIVE", "ShareUpdateExclusiveLock"},
		{locks.Share, "SHARE", "ShareLock"},
		{locks.AccessExclusive, "ACCESS EXCLUSIVE", "AccessExclusiveLock"},
	} {
		if c.m.String() != c.name || c.m.PGName() != c.pgName {
			t.Errorf("%d: %q %q, want %q %q", c.m, c.m, c.m.PGName(), c.name, c.pgName)
		}
	}
}

func TestBlocks(t *testing.T) {
	want := map[locks.Mode]string{
		locks.AccessShare:          `blocks no reads or writes on "T"`,
		locks.RowShare:             `blocks no reads or writes on "T"`,
		locks.RowExclusive:         `blocks no reads or writes on "T"`,
		locks.ShareUpdateExclusive: `blocks no reads or writes on "T"`,
		locks.Share:                `blocks writes (INSERT/UPDATE/DELETE) on "T" but not reads`,
		locks.ShareRowExclusive:    `blocks writes (INSERT/UPDATE/DELETE) on "T" but not reads`,
		locks.Exclusive:            `blocks writes (INSERT/UPDATE/DELETE) and SELECT ... FOR UPDATE/SHARE on "T" but not plain reads`,
		locks.AccessExclusive:      `blocks reads and writes on "T"`,
	}
	for _, m := range allModes {
		if got := m.Blocks().On(`"T"`); got != want[m] {
			t.Errorf("%s: %q, want %q", m, got, want[m])
		}
		if m.BlocksQueries() != (m >= locks.Share) {
			t.Errorf("%s: BlocksQueries = %v", m, m.BlocksQueries())
		}
	}
}

// history is the schema the statements below run against: the Prisma app of
// the rule examples, with a self-referencing key and a partitioned table.
const history = `CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL, "parentId" INTEGER,
  CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
ALTER TABLE "Post" ADD CONSTRAINT "Post_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Post"("id");
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_check" CHECK ("title" <> '') NOT VALID;
ALTER TABLE "Post" ADD COLUMN "editorId" INTEGER;
ALTER TABLE "Post" ADD CONSTRAINT "Post_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "User"("id") NOT VALID;
CREATE TABLE "Event" ("id" INTEGER NOT NULL, "at" DATE NOT NULL) PARTITION BY RANGE ("at");
CREATE TABLE "Event_2024" PARTITION OF "Event" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE "Event_2025" ("id" INTEGER NOT NULL, "at" DATE NOT NULL);
CREATE MATERIALIZED VIEW "Stats" AS SELECT n FROM generate_series(1, 3) AS n;
CREATE UNIQUE INDEX "Stats_n_key" ON "Stats"("n");
`

// lockCases are statements and the locks the model must predict, strongest
// per table first. TestLocksOnPostgres runs them against a real server.
var lockCases = []struct {
	sql    string
	want   []string // "table mode", or "table/index mode", or "table/* mode" for every index
	noTxPG bool     // cannot run inside a transaction block
}{
	{sql: `SELECT * FROM "Post" JOIN "User" ON "User"."id" = "Post"."authorId"`, want: []string{`"Post" ACCESS SHARE`, `"User" ACCESS SHARE`}},
	{sql: `SELECT * FROM "Post" FOR UPDATE`, want: []string{`"Post" ROW SHARE`}},
	{sql: `WITH p AS (SELECT "id" FROM "Post") UPDATE "User" SET "name" = 'x' WHERE "id" IN (SELECT "id" FROM p)`,
		want: []string{`"User" ROW EXCLUSIVE`, `"Post" ACCESS SHARE`}},
	{sql: `INSERT INTO "User" ("email") SELECT "title" FROM "Post"`, want: []string{`"User" ROW EXCLUSIVE`, `"Post" ACCESS SHARE`}},
	// A data-modifying WITH query writes its table (found by trace on langfuse).
	{sql: `WITH n AS (INSERT INTO "User" ("email") SELECT "title" FROM "Post" RETURNING "id") SELECT count(*) FROM n`,
		want: []string{`"User" ROW EXCLUSIVE`, `"Post" ACCESS SHARE`}},
	{sql: `DELETE FROM "Post" WHERE "title" = ''`, want: []string{`"Post" ROW EXCLUSIVE`}},
	{sql: `CREATE INDEX "Post_title_idx" ON "Post"("title")`, want: []string{`"Post" SHARE`}},
	{sql: `CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title")`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}, noTxPG: true},
	{sql: `DROP INDEX "Post_authorId_idx"`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"Post"/"Post_authorId_idx" ACCESS EXCLUSIVE`}},
	{sql: `DROP INDEX CONCURRENTLY "Post_authorId_idx"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`, `"Post"/"Post_authorId_idx" SHARE UPDATE EXCLUSIVE`}, noTxPG: true},
	{sql: `ALTER TABLE "Post" ADD COLUMN "body" TEXT`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD COLUMN "reviewerId" INTEGER REFERENCES "User"("id")`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"User" SHARE ROW EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD CONSTRAINT "Post_author2_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id")`,
		want: []string{`"Post" SHARE ROW EXCLUSIVE`, `"User" SHARE ROW EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD CONSTRAINT "Post_author2_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID`,
		want: []string{`"Post" SHARE ROW EXCLUSIVE`, `"User" SHARE ROW EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD CONSTRAINT "Post_id_check" CHECK ("id" > 0) NOT VALID`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE ("title")`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_editorId_fkey"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`, `"User" ROW SHARE`}},
	{sql: `ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_check"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey"`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"User" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" DROP COLUMN "authorId"`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"User" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ALTER COLUMN "title" SET STATISTICS 500`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ALTER COLUMN "title" SET (n_distinct = 100)`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01)`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" SET (toast.autovacuum_enabled = false)`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" SET (fillfactor = 70, user_catalog_table = true)`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ALTER COLUMN "title" SET STATISTICS 500, ALTER COLUMN "title" SET DEFAULT ''`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ENABLE TRIGGER ALL`, want: []string{`"Post" SHARE ROW EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" CLUSTER ON "Post_pkey"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" SET LOGGED`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" SET TABLESPACE pg_default`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER INDEX "Post_authorId_idx" SET TABLESPACE pg_default`, want: []string{`"Post"/"Post_authorId_idx" ACCESS EXCLUSIVE`}},
	{sql: `ALTER INDEX "Post_authorId_idx" RENAME TO "Post_author_idx"`, want: []string{`"Post"/"Post_authorId_idx" SHARE UPDATE EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" RENAME COLUMN "title" TO "headline"`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Event" DETACH PARTITION "Event_2024"`, want: []string{`"Event" ACCESS EXCLUSIVE`, `"Event_2024" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Event" ATTACH PARTITION "Event_2025" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`,
		want: []string{`"Event" SHARE UPDATE EXCLUSIVE`, `"Event_2025" ACCESS EXCLUSIVE`}},
	{sql: `CREATE TABLE "Event_2026" PARTITION OF "Event" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`, want: []string{`"Event" ACCESS EXCLUSIVE`}},
	{sql: `CREATE TABLE "Comment" ("id" SERIAL PRIMARY KEY, "postId" INTEGER NOT NULL REFERENCES "Post"("id"))`, want: []string{`"Post" SHARE ROW EXCLUSIVE`}},
	{sql: `DROP TABLE "Post"`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"User" ACCESS EXCLUSIVE`}},
	{sql: `TRUNCATE "Post", "User"`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"User" ACCESS EXCLUSIVE`}},
	{sql: `VACUUM "Post"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}, noTxPG: true},
	{sql: `VACUUM (FULL, ANALYZE) "Post"`, want: []string{`"Post" ACCESS EXCLUSIVE`}, noTxPG: true},
	{sql: `ANALYZE "Post"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `CLUSTER "Post" USING "Post_pkey"`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `REINDEX INDEX "Post_authorId_idx"`, want: []string{`"Post"/"Post_authorId_idx" ACCESS EXCLUSIVE`, `"Post" SHARE`}},
	{sql: `REINDEX TABLE "Post"`, want: []string{`"Post"/* ACCESS EXCLUSIVE`, `"Post" SHARE`}},
	{sql: `REINDEX TABLE CONCURRENTLY "Post"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`, `"Post"/* SHARE UPDATE EXCLUSIVE`}, noTxPG: true},
	{sql: `LOCK TABLE "Post" IN SHARE MODE`, want: []string{`"Post" SHARE`}},
	{sql: `LOCK "Post", "User"`, want: []string{`"Post" ACCESS EXCLUSIVE`, `"User" ACCESS EXCLUSIVE`}},
	{sql: `REFRESH MATERIALIZED VIEW "Stats"`, want: []string{`"Stats" ACCESS EXCLUSIVE`}},
	{sql: `REFRESH MATERIALIZED VIEW CONCURRENTLY "Stats"`, want: []string{`"Stats" EXCLUSIVE`}},
	{sql: `CREATE TRIGGER "t" BEFORE UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()`,
		want: []string{`"Post" SHARE ROW EXCLUSIVE`}},
	{sql: `COMMENT ON COLUMN "Post"."title" IS 'the title'`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`}},
	{sql: `CREATE POLICY "p" ON "Post" USING (true)`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD COLUMN "number" SERIAL NOT NULL`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD COLUMN "n" BIGINT GENERATED ALWAYS AS IDENTITY`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ADD COLUMN "len" INTEGER GENERATED ALWAYS AS (length("title")) STORED`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" ALTER COLUMN "title" TYPE VARCHAR(300)`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" SET UNLOGGED`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key"`, want: []string{`"User" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" RENAME CONSTRAINT "Post_title_check" TO "Post_title_nonempty"`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Post" RENAME TO "Article"`, want: []string{`"Post" ACCESS EXCLUSIVE`}},
	{sql: `ALTER TABLE "Event" DETACH PARTITION "Event_2024" CONCURRENTLY`, want: []string{`"Event" SHARE UPDATE EXCLUSIVE`, `"Event_2024" ACCESS EXCLUSIVE`}, noTxPG: true},
	{sql: `REINDEX INDEX CONCURRENTLY "Post_authorId_idx"`, want: []string{`"Post" SHARE UPDATE EXCLUSIVE`, `"Post"/"Post_authorId_idx" SHARE UPDATE EXCLUSIVE`}, noTxPG: true},
	{sql: `CREATE TABLE "Archive" AS SELECT * FROM "Post"`, want: []string{`"Post" ACCESS SHARE`}},
	{sql: `MERGE INTO "User" u USING "Post" p ON u."id" = p."authorId" WHEN MATCHED THEN UPDATE SET "name" = p."title"`,
		want: []string{`"User" ROW EXCLUSIVE`, `"Post" ACCESS SHARE`}},
}

// replay builds the catalog of history.
func replay(t *testing.T) *catalog.Catalog {
	t.Helper()
	res, err := pg.Parse(history)
	if err != nil {
		t.Fatal(err)
	}
	c := catalog.New()
	c.BeginFile(1)
	for _, s := range res.Stmts {
		c.Apply(s.Stmt)
	}
	return c
}

// describe renders locks as lockCases write them.
func describe(ls []locks.Lock) []string {
	var out []string
	for _, l := range ls {
		rel := l.Table.String()
		switch l.Target {
		case locks.OnIndex:
			rel += "/" + l.Index.String()
		case locks.OnIndexes:
			rel += "/*"
		}
		out = append(out, rel+" "+l.Mode.String())
	}
	return out
}

func parseOne(t *testing.T, sql string) *pg.Node {
	t.Helper()
	res, err := pg.Parse(sql)
	if err != nil || len(res.Stmts) != 1 {
		t.Fatalf("%s: %v", sql, err)
	}
	return res.Stmts[0].Stmt
}

func TestOf(t *testing.T) {
	cat := replay(t)
	for _, c := range lockCases {
		got := describe(locks.Of(parseOne(t, c.sql), cat))
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.sql, got, c.want)
		}
	}
}

func TestOfWhy(t *testing.T) {
	cat := replay(t)
	for sql, want := range map[string]string{
		`ALTER TABLE "Post" ALTER COLUMN "title" SET STATISTICS 500, ADD COLUMN "body" TEXT`: "ALTER TABLE ... ADD COLUMN",
		`ALTER TABLE "Post" ADD FOREIGN KEY ("authorId") REFERENCES "User"("id")`:            "ALTER TABLE ... ADD FOREIGN KEY",
		`ALTER TABLE "Post" ADD PRIMARY KEY ("id")`:                                          "ALTER TABLE ... ADD PRIMARY KEY",
		`ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_check"`:                          "ALTER TABLE ... VALIDATE CONSTRAINT",
		`LOCK TABLE "Post" IN ROW EXCLUSIVE MODE`:                                            "LOCK TABLE ... IN ROW EXCLUSIVE MODE",
		`REINDEX INDEX "Post_authorId_idx"`:                                                  "REINDEX (index)",
	} {
		if ls := locks.Of(parseOne(t, sql), cat); len(ls) == 0 || ls[0].Why != want {
			t.Errorf("%s: %+v, want Why %q", sql, ls, want)
		}
	}
}

func TestOfUnknownIndex(t *testing.T) {
	ls := locks.Of(parseOne(t, `DROP INDEX "Gone_idx"`), catalog.New())
	if len(ls) != 2 || ls[0].Table != (catalog.Name{}) || ls[0].Mode != locks.AccessExclusive {
		t.Errorf("%+v", ls)
	}
	if got := locks.Of(parseOne(t, `CREATE TABLE "T" ("id" INTEGER)`), nil); len(got) != 0 {
		t.Errorf("a new table takes no lock on an existing one: %+v", got)
	}
}

func TestStrongest(t *testing.T) {
	cat := replay(t)
	ls := locks.Of(parseOne(t, `REINDEX INDEX "Post_authorId_idx"`), cat)
	l, ok := locks.Strongest(ls, catalog.Name{Schema: "public", Name: "Post"})
	if !ok || l.Mode != locks.AccessExclusive || l.Target != locks.OnIndex {
		t.Errorf("%+v %v", l, ok)
	}
	if _, ok := locks.Strongest(ls, catalog.Name{Schema: "public", Name: "User"}); ok {
		t.Error("User is not locked")
	}
}

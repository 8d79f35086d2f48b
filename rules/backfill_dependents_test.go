package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// splitBackfill is a Prisma migration whose later statements need its
// backfill done: moving the backfill after the migration, as the plain
// advice says, would make SET NOT NULL and the unique index fail.
const splitBackfill = `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;

UPDATE "Post" SET "slug" = 'post-' || "id" WHERE "slug" IS NULL;

ALTER TABLE "Post" ALTER COLUMN "slug" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
`

// TestBackfillDependents checks that the finding says which later lines need
// the backfill, and runs its three steps on PostgreSQL with rows: the
// statements before it, the batches until they change no row, then the
// lines it names. Each must succeed and keep the rows.
func TestBackfillDependents(t *testing.T) {
	var help, fix string
	for _, f := range lintSQL(t, exampleHistory, splitBackfill, 0) {
		if f.Rule == "backfill-in-migration" {
			help, fix = f.Help, f.Fix
		}
	}
	if !strings.Contains(help, "Lines 6 and 9 need this backfill done") || !strings.Contains(fix, "deploy lines 6 and 9") {
		t.Fatalf("help and fix do not name the dependent lines:\n%s\n%s", help, fix)
	}
	var batch string
	for _, line := range strings.Split(fix, "\n") {
		if strings.HasPrefix(line, "UPDATE ") {
			batch = line
		}
	}
	if batch == "" {
		t.Fatalf("no batched UPDATE in the fix:\n%s", fix)
	}

	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email") VALUES ('a');
		INSERT INTO "Post" ("title", "authorId") SELECT 't' || g, 1 FROM generate_series(1, 25000) g`)
	lines := strings.Split(splitBackfill, "\n")
	db.exec(t, strings.Join(lines[:2], "\n"))
	runs := 0
	for ; runs < 10 && db.exec(t, batch) > 0; runs++ {
	}
	if runs != 3 {
		t.Errorf("the batches took %d runs for 25000 rows, want 3 (then one that changes nothing)", runs)
	}
	ctx := context.Background()
	if _, err := db.conn.Exec(ctx, strings.Join(lines[5:], "\n")); err != nil {
		t.Fatalf("the dependent lines fail after the batches: %v", err)
	}
	var n, slugs int
	db.queryRow(t, `SELECT count(*), count(DISTINCT "slug") FROM "Post"`, nil, &n, &slugs)
	if n != 25000 || slugs != 25000 {
		t.Errorf("%d rows, %d slugs; want 25000 of each", n, slugs)
	}
}

// TestBackfillVolatileSource checks that an UPDATE whose values come from a
// volatile subquery gets no batched rewrite: each run would compute new
// values, so no run could find the rows done.
func TestBackfillVolatileSource(t *testing.T) {
	sql := `ALTER TABLE "Post" ADD COLUMN "visit" UUID;
UPDATE "Post" p SET "visit" = a.uuid FROM (SELECT DISTINCT "authorId", gen_random_uuid() AS uuid FROM "Post") a WHERE p."authorId" = a."authorId";
`
	found := false
	for _, f := range lintSQL(t, exampleHistory, sql, 0) {
		if f.Rule == "backfill-in-migration" {
			found = true
			if strings.Contains(f.Fix, "UPDATE ") {
				t.Errorf("a batched rewrite of a volatile source:\n%s", f.Fix)
			}
		}
	}
	if !found {
		t.Error("the backfill is not reported: the case tests nothing")
	}
}

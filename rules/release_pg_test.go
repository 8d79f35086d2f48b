package rules_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// oldInsert is what the running release (base) sends to create a user and
// a post: the fields it knows, the rest left to defaults.
const oldInsert = `INSERT INTO "User" ("email", "name") VALUES ('late@example.com', NULL);
INSERT INTO "Post" ("title", "authorId", "views") VALUES ('late', 1, 3);`

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// releaseFix returns the fix of the rule's finding on sql.
func releaseFix(t *testing.T, rule, sql string) string {
	t.Helper()
	for _, f := range lintRelease(t, releaseCase{base: base, sql: sql}) {
		if f.Rule == rule {
			return f.Fix
		}
	}
	t.Fatalf("%s does not fire on %s", rule, sql)
	return ""
}

// TestReleaseColumnRequiredOnPostgres shows the finding on a real server
// (the running release's inserts fail with 23502 after the migration) and
// runs its fix with rows: the old inserts go on, no row is lost, and the
// column ends NOT NULL.
func TestReleaseColumnRequiredOnPostgres(t *testing.T) {
	const bad = `ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER NOT NULL;`
	ctx := context.Background()

	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, bad) // the table is empty, so the migration itself succeeds
	if _, err := db.conn.Exec(ctx, oldInsert); sqlState(err) != "23502" {
		t.Fatalf("the running release's insert after the migration: %v, want 23502", err)
	}

	fix := releaseFix(t, "release-column-required", bad)
	expand, contract, ok := strings.Cut(fix, "-- Backfill it")
	if !ok {
		t.Fatalf("fix without a backfill step:\n%s", fix)
	}
	_, contract, _ = strings.Cut(contract, "\n") // past the backfill comment
	db = newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, 500) g`)
	db.exec(t, expand)
	db.exec(t, oldInsert) // the running release keeps inserting
	db.exec(t, `UPDATE "User" SET "tenantId" = 1 WHERE "tenantId" IS NULL`)
	db.exec(t, contract)
	var n int
	var notNull bool
	db.queryRow(t, `SELECT count(*) FROM "User"`, nil, &n)
	db.queryRow(t, `SELECT attnotnull FROM pg_attribute WHERE attrelid = '"User"'::regclass AND attname = 'tenantId'`, nil, &notNull)
	if n != 501 || !notNull {
		t.Errorf("after the fix: %d users (want 501), tenantId NOT NULL: %v", n, notNull)
	}
}

// TestReleaseTypeChangedOnPostgres: after a type change, the running
// release's writes fail; with the fix (a new column, backfilled) they go
// on and the values are copied.
func TestReleaseTypeChangedOnPostgres(t *testing.T) {
	const bad = `ALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE INTEGER USING 0;`
	ctx := context.Background()
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email") VALUES ('a@example.com')`)
	db.exec(t, bad)
	if _, err := db.conn.Exec(ctx, `INSERT INTO "Post" ("title", "authorId") VALUES ($1, 1)`, "a title"); sqlState(err) != "22P02" {
		t.Fatalf("the running release's insert after the type change: %v, want 22P02", err)
	}

	fix := releaseFix(t, "release-type-changed", `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE TEXT;`)
	db = newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email") VALUES ('a@example.com')`)
	db.exec(t, `INSERT INTO "Post" ("title", "authorId", "views") SELECT 'p' || g, 1, g FROM generate_series(1, 300) g`)
	db.exec(t, fix)
	db.exec(t, oldInsert)
	var copied int
	db.queryRow(t, `SELECT count(*) FROM "Post" WHERE "views_new" = "views"::text`, nil, &copied)
	if copied != 300 {
		t.Errorf("%d of 300 values copied to the new column", copied)
	}
}

package rules_test

import (
	"context"
	"errors"
	"fmt"
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

// releaseSteps splits a release fix at its step headers (the comment lines
// that start a migration, the backfill or the contract step) and checks
// that there are want steps.
func releaseSteps(t *testing.T, fix string, want int) []string {
	t.Helper()
	var steps []string
	for _, line := range strings.SplitAfter(fix, "\n") {
		if strings.HasPrefix(line, "-- Migration") || strings.HasPrefix(line, "-- Backfill") || strings.HasPrefix(line, "-- Contract") {
			steps = append(steps, "")
		}
		if len(steps) == 0 {
			t.Fatalf("fix does not start with a step header:\n%s", fix)
		}
		steps[len(steps)-1] += line
	}
	if len(steps) != want {
		t.Fatalf("%d steps, want %d:\n%s", len(steps), want, fix)
	}
	return steps
}

// withRows is ruledoc.History with 200 users and 300 posts.
func withRows(t *testing.T) *pgDB {
	t.Helper()
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email", "role") SELECT 'u' || g || '@example.com', CASE WHEN g % 4 = 0 THEN 'ADMIN' ELSE 'USER' END::"Role" FROM generate_series(1, 200) g;
INSERT INTO "Post" ("title", "authorId", "views") SELECT 'p' || g, 1 + g % 200, g FROM generate_series(1, 300) g;`)
	return db
}

func (db *pgDB) count(t *testing.T, sql string) int {
	t.Helper()
	var n int
	db.queryRow(t, sql, nil, &n)
	return n
}

// columns returns the table's columns as name type, NOT NULL marked.
func (db *pgDB) columns(t *testing.T, table string) string {
	t.Helper()
	var s string
	db.queryRow(t, `SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY attnum)
FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, []any{table}, &s)
	return s
}

// failsWith runs sql and checks that it fails with the SQLSTATE.
func (db *pgDB) failsWith(t *testing.T, code, sql string) {
	t.Helper()
	if _, err := db.conn.Exec(context.Background(), sql); sqlState(err) != code {
		t.Fatalf("%s: %v, want %s", sql, err, code)
	}
}

// TestReleaseColumnRequiredOnPostgres shows the finding on a real server
// (the running release's inserts fail with 23502 after the migration) and
// runs its fix with rows: the old inserts and reads go on, no row is lost,
// and the column ends NOT NULL.
func TestReleaseColumnRequiredOnPostgres(t *testing.T) {
	const bad = `ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER NOT NULL;`
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, bad) // the table is empty, so the migration itself succeeds
	db.failsWith(t, "23502", oldInsert)

	steps := releaseSteps(t, releaseFix(t, "release-column-required", bad), 4)
	db = withRows(t)
	db.exec(t, steps[0])
	db.exec(t, oldInsert) // the running release keeps inserting and reading
	db.count(t, `SELECT count(*) FROM "User" WHERE "email" = 'late@example.com'`)
	db.exec(t, `UPDATE "User" SET "tenantId" = 1 WHERE "tenantId" IS NULL`) // the backfill, whose value is the user's
	db.exec(t, steps[2])
	db.exec(t, steps[3])
	if n := db.count(t, `SELECT count(*) FROM "User"`); n != 201 {
		t.Errorf("%d users after the fix, want 201", n)
	}
	if cols := db.columns(t, `"User"`); !strings.Contains(cols, "tenantId integer not null") {
		t.Errorf("columns after the fix: %s", cols)
	}
}

// TestReleaseRenameColumnOnPostgres: a column rename fails the running
// release's queries (42703); the fix's new column is kept equal to the old
// one whichever release writes, the backfill copies the old rows, and the
// contract step leaves the renamed column with every value, NOT NULL.
func TestReleaseRenameColumnOnPostgres(t *testing.T) {
	const bad = `ALTER TABLE "Post" RENAME COLUMN "title" TO "heading";`
	db := withRows(t)
	db.exec(t, bad)
	db.failsWith(t, "42703", oldInsert)

	steps := releaseSteps(t, releaseFix(t, "release-column-removed", bad), 4)
	db = withRows(t)
	db.exec(t, steps[0])
	// Both releases run: the old one writes title, the new one heading.
	db.exec(t, oldInsert)
	db.exec(t, `UPDATE "Post" SET "title" = 'old-edit' WHERE "id" = 1`)
	db.exec(t, `INSERT INTO "Post" ("heading", "authorId") VALUES ('new', 1)`)
	db.exec(t, `UPDATE "Post" SET "heading" = 'new-edit' WHERE "id" = 2`)
	db.exec(t, `UPDATE "Post" SET "published" = true WHERE "id" = 3`) // a row not backfilled yet keeps its title
	if n := db.count(t, `SELECT count(*) FROM "Post" WHERE "title" IN ('new', 'new-edit', 'p3')`); n != 3 {
		t.Errorf("the running release reads %d of the 3 rows the new one wrote or left alone", n)
	}
	for db.exec(t, steps[1]) > 0 {
	}
	if n := db.count(t, `SELECT count(*) FROM "Post" WHERE "heading" IS DISTINCT FROM "title"`); n != 0 {
		t.Errorf("%d rows differ after the backfill", n)
	}
	db.exec(t, steps[2]) // the contract: the NOT NULL check, then validated and the old column dropped
	db.exec(t, steps[3])
	if n := db.count(t, `SELECT count(*) FROM "Post" WHERE "heading" IN ('old-edit', 'new-edit', 'late', 'new', 'p3')`); n != 5 {
		t.Errorf("%d of the 5 written values survive the contract step", n)
	}
	if n := db.count(t, `SELECT count(*) FROM "Post"`); n != 302 {
		t.Errorf("%d posts, want 302", n)
	}
	want := "id integer not null, published boolean not null, authorId integer not null, views integer not null, heading character varying(255) not null"
	if got := strings.Replace(db.columns(t, `"Post"`), "content text, ", "", 1); got != want {
		t.Errorf("columns after the contract step:\n%s\nwant\n%s", got, want)
	}
}

// TestReleaseRenameTableOnPostgres: a table rename fails the running
// release (42P01); with the fix it reads and writes through a view under
// the old name until the contract step drops it.
func TestReleaseRenameTableOnPostgres(t *testing.T) {
	const bad = `ALTER TABLE "Post" RENAME TO "Article";`
	db := withRows(t)
	db.exec(t, bad)
	db.failsWith(t, "42P01", oldInsert)

	steps := releaseSteps(t, releaseFix(t, "release-column-removed", bad), 2)
	db = withRows(t)
	db.exec(t, steps[0])
	db.exec(t, oldInsert)
	var id int
	db.queryRow(t, `INSERT INTO "Post" ("title", "authorId") VALUES ('returning', 2) RETURNING "id"`, nil, &id)
	db.exec(t, fmt.Sprintf(`UPDATE "Post" SET "views" = 1000 WHERE "id" = %d`, id))
	db.exec(t, `INSERT INTO "Article" ("title", "authorId") VALUES ('new', 1)`)
	if n := db.count(t, `SELECT count(*) FROM "Post" p JOIN "User" u ON u."id" = p."authorId" WHERE p."views" = 1000 OR p."title" = 'new'`); n != 2 {
		t.Errorf("the running release reads %d of its update and the new release's insert, want 2", n)
	}
	db.exec(t, steps[1])
	db.failsWith(t, "42P01", `SELECT 1 FROM "Post"`)
	if n := db.count(t, `SELECT count(*) FROM "Article"`); n != 303 {
		t.Errorf("%d articles, want 303", n)
	}
}

// TestReleaseTypeChangedOnPostgres: after a type change the running
// release's writes fail; with the fix both columns stay in step, with
// conversion, whichever release writes, and the contract step leaves the
// new column with every value, its default and NOT NULL.
func TestReleaseTypeChangedOnPostgres(t *testing.T) {
	db := withRows(t)
	db.exec(t, `ALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE INTEGER USING 0;`)
	db.failsWith(t, "22P02", `INSERT INTO "Post" ("title", "authorId") VALUES ('a title', 1)`)

	steps := releaseSteps(t, releaseFix(t, "release-type-changed", `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE TEXT;`), 4)
	db = withRows(t)
	db.exec(t, steps[0])
	db.exec(t, oldInsert) // views = 3, an integer
	db.exec(t, `UPDATE "Post" SET "views" = "views" + 1 WHERE "id" = 1`)
	db.exec(t, `INSERT INTO "Post" ("title", "authorId", "views_new") VALUES ('new', 1, '42')`)
	db.exec(t, `UPDATE "Post" SET "views_new" = '77' WHERE "id" = 2`)
	if n := db.count(t, `SELECT count(*) FROM "Post" WHERE ("title", "views") IN (('new', 42), ('p2', 77), ('p1', 2), ('late', 3))`); n != 4 {
		t.Errorf("the running release reads %d of 4 values as integers", n)
	}
	for db.exec(t, steps[1]) > 0 {
	}
	if n := db.count(t, `SELECT count(*) FROM "Post" WHERE "views_new" IS DISTINCT FROM "views"::text`); n != 0 {
		t.Errorf("%d rows differ after the backfill", n)
	}
	db.exec(t, steps[2]) // the contract: the NOT NULL check, then validated and the old column dropped
	db.exec(t, steps[3])
	db.exec(t, `INSERT INTO "Post" ("title", "authorId") VALUES ('default', 1)`)
	if n := db.count(t, `SELECT count(*) FROM "Post" WHERE "views_new" = "id"::text AND "id" <= 300 OR ("title", "views_new") IN (('p1', '2'), ('p2', '77'), ('late', '3'), ('new', '42'), ('default', '0'))`); n != 303 {
		t.Errorf("%d of 303 values kept", n)
	}
	if cols := db.columns(t, `"Post"`); !strings.HasSuffix(cols, "views_new text not null") || strings.Contains(cols, "views integer") {
		t.Errorf("columns after the contract step: %s", cols)
	}
}

// TestReleaseEnumToTextOnPostgres: an enum column changed to text fails the
// running release's filters on the enum (42883); with the fix both columns
// stay in step and the contract step leaves a text column that no longer
// depends on the type, which can then be dropped.
func TestReleaseEnumToTextOnPostgres(t *testing.T) {
	const bad = `ALTER TABLE "User" ALTER COLUMN "role" SET DATA TYPE TEXT;`
	const oldFilter = `SELECT count(*) FROM "User" WHERE "role" = 'ADMIN'::"Role"`
	db := withRows(t)
	db.exec(t, bad)
	db.failsWith(t, "42883", oldFilter)

	steps := releaseSteps(t, releaseFix(t, "release-type-changed", bad), 4)
	db = withRows(t)
	db.exec(t, steps[0])
	db.exec(t, `INSERT INTO "User" ("email", "role") VALUES ('old@example.com', 'ADMIN'::"Role")`)
	db.exec(t, `INSERT INTO "User" ("email", "role_new") VALUES ('new@example.com', 'ADMIN')`)
	if n := db.count(t, oldFilter); n != 52 {
		t.Errorf("the running release finds %d admins, want 52", n)
	}
	for db.exec(t, steps[1]) > 0 {
	}
	db.exec(t, steps[2]) // the contract: the NOT NULL check, then validated and the old column dropped
	db.exec(t, steps[3])
	db.exec(t, `DROP TYPE "Role"`) // the new column does not depend on it
	db.exec(t, `INSERT INTO "User" ("email") VALUES ('default@example.com')`)
	if n := db.count(t, `SELECT count(*) FROM "User" WHERE "role_new" = 'ADMIN'`); n != 52 {
		t.Errorf("%d admins after the contract step, want 52", n)
	}
	if n := db.count(t, `SELECT count(*) FROM "User" WHERE "role_new" = 'USER'`); n != 151 {
		t.Errorf("%d users after the contract step, want 151", n)
	}
}

// TestReleaseEnumValueRenamedOnPostgres: RENAME VALUE fails the running
// release's writes of the old value (22P02); the fix adds the new value,
// moves the rows, and recreates the type with the values in the order the
// rename gives, the default kept.
func TestReleaseEnumValueRenamedOnPostgres(t *testing.T) {
	const bad = `ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER';`
	const oldWrite = `INSERT INTO "User" ("email", "role") VALUES ('old@example.com', 'ADMIN'::"Role")`
	db := withRows(t)
	db.exec(t, bad)
	db.failsWith(t, "22P02", oldWrite)

	steps := releaseSteps(t, releaseFix(t, "release-enum-value-removed", bad), 3)
	db = withRows(t)
	db.exec(t, steps[0])
	db.exec(t, oldWrite)
	db.exec(t, `INSERT INTO "User" ("email", "role") VALUES ('new@example.com', 'OWNER')`)
	db.exec(t, steps[1])
	db.exec(t, steps[2])
	db.exec(t, `INSERT INTO "User" ("email") VALUES ('default@example.com')`)
	var values string
	db.queryRow(t, `SELECT enum_range(NULL::"Role")::text`, nil, &values)
	if values != "{USER,OWNER}" {
		t.Errorf("values after the contract step: %s", values)
	}
	if n := db.count(t, `SELECT count(*) FROM "User" WHERE "role" = 'OWNER'`); n != 52 {
		t.Errorf("%d owners, want 52", n)
	}
	if n := db.count(t, `SELECT count(*) FROM "User"`); n != 203 {
		t.Errorf("%d users, want 203", n)
	}
}

// TestReleaseEnumValueRemovedOnPostgres: Prisma's recreation of the type
// without a value; the fix keeps the value until the rows holding it moved
// (where is the user's choice, the fix counts them) and then recreates the
// type without it.
func TestReleaseEnumValueRemovedOnPostgres(t *testing.T) {
	const bad = roleWithoutAdmin
	db := withRows(t)
	db.failsWith(t, "22P02", bad) // rows hold ADMIN

	steps := releaseSteps(t, releaseFix(t, "release-enum-value-removed", bad), 3)
	db = withRows(t)
	db.exec(t, steps[0])
	db.exec(t, `INSERT INTO "User" ("email", "role") VALUES ('old@example.com', 'ADMIN'::"Role")`)
	db.exec(t, `UPDATE "User" SET "role" = 'USER' WHERE "role" = 'ADMIN'`) // the user's choice
	if n := db.count(t, steps[1]); n != 0 {
		t.Errorf("the check counts %d rows", n)
	}
	db.exec(t, steps[2])
	var values string
	db.queryRow(t, `SELECT enum_range(NULL::"Role")::text`, nil, &values)
	if values != "{USER}" {
		t.Errorf("values after the contract step: %s", values)
	}
	if n := db.count(t, `SELECT count(*) FROM "User" WHERE "role" = 'USER'`); n != 201 {
		t.Errorf("%d users, want 201", n)
	}
}

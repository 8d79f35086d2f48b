package deploy

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestNonTransactional applies migrations that cannot run in a transaction.
func TestNonTransactional(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	const (
		concName = "20240102000000_user_role_index"
		concSQL  = "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_role_idx\" ON \"public\".\"User\"(\"role\");\n"
		mixName  = "20240103000000_add_tag"
		mixSQL   = `-- CreateTable
CREATE TABLE "Tag" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "Tag_name_key" ON "Tag"("name");

-- DropIndex
DROP INDEX CONCURRENTLY "User_role_idx";
`
	)
	dir := writeDir(t, map[string]string{initName: initSQL, concName: concSQL, mixName: mixSQL})
	sum := mustDeploy(t, testOpts(t, dir, db, nil))
	if want := []string{initName, concName, mixName}; !slices.Equal(appliedNames(sum), want) {
		t.Fatalf("applied %v, want %v", appliedNames(sum), want)
	}
	if !validIndex(t, conn, `"Tag_name_key"`) || exists(t, conn, `"User_role_idx"`) {
		t.Error("the concurrent index statements did not all run")
	}
	for _, r := range historyOf(t, conn, "public") {
		if !r.Applied() || r.AppliedSteps != 1 || r.Logs != nil {
			t.Errorf("row %s: %+v", r.Name, r)
		}
	}
}

// TestNonTransactionalFailure fails the 2nd of 3 statements of a migration
// run statement by statement: the first stays applied and the row says so.
func TestNonTransactionalFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	const name = "20240102000000_add_tag"
	sql := `-- CreateTable ☕
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL);

-- CreateIndex: the server gives a position in the statement sent, after multi-byte text
CREATE INDEX CONCURRENTLY "Tag_café_idx" ON "Tag"(lower("label"));

-- CreateIndex
CREATE INDEX CONCURRENTLY "Tag_name_idx" ON "Tag"("name");
`
	dir := writeDir(t, map[string]string{initName: initSQL, name: sql})
	_, err := Deploy(ctx, testOpts(t, dir, db, nil))
	var me *MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("deploy: %v, want a *MigrationError", err)
	}
	line, col := lineCol(t, sql, `"label"`)
	if me.Code != "42703" || me.Line != line || me.Col != col {
		t.Errorf("error %s at %d:%d, want 42703 at %d:%d: %v", me.Code, me.Line, me.Col, line, col, me)
	}
	wantContains(t, "error", me.Error(), "1 of 3 statements completed")
	if !exists(t, conn, `"Tag"`) || exists(t, conn, `"Tag_name_idx"`) {
		t.Error("want the 1st statement applied and the 3rd not run")
	}
	rows := rowsNamed(historyOf(t, conn, "public"), name)
	if len(rows) != 1 || !rows[0].Failed() || rows[0].Logs == nil {
		t.Fatalf("rows %+v, want one failed row with logs", rows)
	}
	wantContains(t, "logs", *rows[0].Logs, "1 of 3 statements completed", "42703")
}

// TestConcurrentUniqueIndexOnDuplicates builds a unique index concurrently
// over duplicate values: the build fails and leaves an invalid index, which
// the error must name.
func TestConcurrentUniqueIndexOnDuplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	const name = "20240102000000_unique_user_name"
	dir := writeDir(t, map[string]string{initName: initSQL + "\n" + `ALTER TABLE "User" ADD COLUMN "name" TEXT;` + "\n"})
	o := testOpts(t, dir, db, nil)
	mustDeploy(t, o)
	if _, err := conn.Exec(ctx, `INSERT INTO "User" ("id", "email", "name") VALUES ('1', 'a@x', 'Ann'), ('2', 'b@x', 'Ann')`); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, sqlPath(dir, name), "-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY \"User_name_key\" ON \"User\"(\"name\");\n")

	_, err := Deploy(ctx, o)
	var me *MigrationError
	if !errors.As(err, &me) || me.Code != "23505" {
		t.Fatalf("deploy: %v, want a *MigrationError with 23505", err)
	}
	if !slices.Equal(me.InvalidIndexes, []string{`"User_name_key"`}) {
		t.Errorf("InvalidIndexes = %q, want [\"User_name_key\"]", me.InvalidIndexes)
	}
	wantContains(t, "error", me.Error(), `invalid index left by a failed concurrent build: "User_name_key"`, "DROP INDEX CONCURRENTLY")
	if validIndex(t, conn, `"User_name_key"`) || !exists(t, conn, `"User_name_key"`) {
		t.Error(`want "User_name_key" left behind invalid`)
	}
}

// validIndex reports whether an index exists and is valid.
func validIndex(t *testing.T, conn *pgx.Conn, name string) bool {
	t.Helper()
	var ok bool
	err := conn.QueryRow(context.Background(), "SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)), false)", name).Scan(&ok)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestEnumValueUsedLater applies what Prisma 7.4+ applies: a new enum value
// used by a later statement of the same file, which fails with 55P04 in one
// transaction; the execution model commits the ADD VALUE first.
func TestEnumValueUsedLater(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	const name = "20240102000000_guest_role"
	sql := "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\n\n-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'GUEST';\n"
	dir := writeDir(t, map[string]string{initName: initSQL, name: sql})
	sum := mustDeploy(t, testOpts(t, dir, db, nil))
	if want := []string{initName, name}; !slices.Equal(appliedNames(sum), want) {
		t.Fatalf("applied %v, want %v", appliedNames(sum), want)
	}
	var def string
	if err := conn.QueryRow(context.Background(), `SELECT column_default FROM information_schema.columns
		WHERE table_name = 'User' AND column_name = 'role'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if def != `'GUEST'::"Role"` {
		t.Errorf("default %q, want 'GUEST'", def)
	}
}

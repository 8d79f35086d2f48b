package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestFailedMigration makes the 2nd of 3 statements of a transactional
// migration fail and follows the failure through the history, the refusal
// of the next deploy, resolve --rolled-back and a fixed redeploy.
func TestFailedMigration(t *testing.T) {
	const name = "20240102000000_add_cafe"
	for _, c := range []struct {
		name string
		sql  string
		at   string // where the error must point: the first occurrence of this text
		code string
		fix  [2]string // replace fix[0] with fix[1] to repair the file
	}{{
		// PostgreSQL gives a character position; the file has multi-byte
		// characters before it, on earlier lines and on the failing line.
		name: "position in multi-byte text",
		sql: `-- Ünïcödé: café, crème brûlée ☕ 🚀
-- CreateTable
CREATE TABLE "Café" (
    "id" SERIAL NOT NULL,
    "naïve" TEXT NOT NULL DEFAULT 'crème brûlée',

    CONSTRAINT "Café_pkey" PRIMARY KEY ("id")
);

-- Backfill ☕
INSERT INTO "Café" ("naïve") SELECT "müsli" FROM "User";

-- CreateIndex
CREATE INDEX "Café_naïve_idx" ON "Café"("naïve");
`,
		at:   `"müsli"`,
		code: "42703",
		fix:  [2]string{`"müsli"`, `"email"`},
	}, {
		// No position from the server: the error points at the statement.
		name: "no position",
		sql: `-- CreateTable
CREATE TABLE "Café" ("id" SERIAL NOT NULL, "naïve" TEXT);

-- AlterTable 🚀
ALTER TABLE "Missing" ADD COLUMN "x" TEXT;

-- CreateIndex
CREATE INDEX "Café_naïve_idx" ON "Café"("naïve");
`,
		at:   `ALTER TABLE "Missing"`,
		code: "42P01",
		fix:  [2]string{`"Missing"`, `"User"`},
	}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := pgtest.NewDatabase(t)
			conn := pgtest.Connect(t, db)
			dir := writeDir(t, map[string]string{initName: initSQL, name: c.sql})
			o := testOpts(t, dir, db, nil)
			path := sqlPath(dir, name)

			_, err := Deploy(ctx, o)
			var me *MigrationError
			if !errors.As(err, &me) {
				t.Fatalf("deploy: %v, want a *MigrationError", err)
			}
			line, col := lineCol(t, c.sql, c.at)
			if me.Migration != name || me.Path != path || me.Line != line || me.Col != col || me.Code != c.code {
				t.Errorf("error at %s %s:%d:%d code %s, want %s %s:%d:%d code %s\n%v",
					me.Migration, me.Path, me.Line, me.Col, me.Code, name, path, line, col, c.code, me)
			}
			where := fmt.Sprintf("%s:%d:%d", path, line, col)
			wantContains(t, "error", me.Error(), where, c.code)
			if exists(t, conn, `"Café"`) {
				t.Error(`table "Café" from the failed transactional migration exists`)
			}
			if !exists(t, conn, `"User"`) {
				t.Error("the migration before the failed one was not applied")
			}

			rows := rowsNamed(historyOf(t, conn, "public"), name)
			if len(rows) != 1 {
				t.Fatalf("%d rows for %s, want 1", len(rows), name)
			}
			r := rows[0]
			if !r.Failed() || r.AppliedSteps != 0 || r.Logs == nil {
				t.Fatalf("row %+v: want finished_at NULL, rolled_back_at NULL, applied_steps_count 0, logs set", r)
			}
			wantContains(t, "logs", *r.Logs, where, c.code)

			_, err = Deploy(ctx, o)
			if err == nil {
				t.Fatal("a deploy after a failure went ahead")
			}
			wantContains(t, "refusal", err.Error(), "P3009", name, *r.Logs,
				"resolve --rolled-back "+name, "resolve --applied "+name)
			if re := (*RefusedError)(nil); !errors.As(fmt.Errorf("deploy: %w", err), &re) || re.Code != "P3009" {
				t.Errorf("the refusal %#v, wrapped, is not a RefusedError with Code P3009", err)
			}
			st := mustStatus(t, o)
			if states(st) != "applied failed" || st.Migrations[1].Logs != *r.Logs || st.Clean() {
				t.Errorf("status %s, logs %q", states(st), st.Migrations[1].Logs)
			}

			if err := Resolve(ctx, o, name, false); err != nil {
				t.Fatalf("resolve --rolled-back: %v", err)
			}
			if st := mustStatus(t, o); states(st) != "applied rolled back" {
				t.Errorf("status after resolve --rolled-back: %s", states(st))
			}
			mustWrite(t, path, strings.Replace(c.sql, c.fix[0], c.fix[1], 1))
			sum := mustDeploy(t, o)
			if len(sum.Applied) != 1 || sum.Applied[0].Name != name {
				t.Fatalf("deploy after the fix applied %v", appliedNames(sum))
			}
			rows = rowsNamed(historyOf(t, conn, "public"), name)
			if len(rows) != 2 {
				t.Fatalf("%d rows for %s after the fix, want the rolled-back one and a new one", len(rows), name)
			}
			old, fresh := rows[0], rows[1]
			if old.ID != r.ID || old.RolledBackAt == nil || old.FinishedAt != nil {
				t.Errorf("the failed row changed: %+v", old)
			}
			if !fresh.Applied() || fresh.ID == r.ID || fresh.Logs != nil {
				t.Errorf("new row %+v, want applied with logs NULL", fresh)
			}
			if !exists(t, conn, `"Café_naïve_idx"`) {
				t.Error("the fixed migration's last statement did not run")
			}
			if st := mustStatus(t, o); states(st) != "applied applied" || !st.Clean() {
				t.Errorf("final status %s", states(st))
			}
		})
	}
}

// TestFailedScriptWithTransaction fails inside a file holding its own
// BEGIN/COMMIT (Prisma's enum value removal): the explicit transaction is
// left aborted, and the failure must still be recorded with its logs.
func TestFailedScriptWithTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const name = "20240102000000_remove_admin"
	sql := `/*
  Warnings:

  - The values [ADMIN] on the enum ` + "`Role`" + ` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
`
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	o := testOpts(t, dir, db, nil)
	mustDeploy(t, o)
	if _, err := conn.Exec(ctx, `INSERT INTO "User" ("id", "email", "role") VALUES ('u1', 'a@example.com', 'ADMIN')`); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, sqlPath(dir, name), sql)

	_, err := Deploy(ctx, o)
	var me *MigrationError
	if !errors.As(err, &me) || me.Code != "22P02" {
		t.Fatalf("deploy: %v, want a *MigrationError with 22P02 (invalid enum value)", err)
	}
	var leftover bool
	if err := conn.QueryRow(ctx, `SELECT to_regtype('"Role_new"') IS NOT NULL`).Scan(&leftover); err != nil || leftover {
		t.Errorf(`type "Role_new" survived the failed transaction (%v)`, err)
	}
	rows := rowsNamed(historyOf(t, conn, "public"), name)
	if len(rows) != 1 || !rows[0].Failed() || rows[0].Logs == nil {
		t.Fatalf("rows %v, want one failed row with logs; deploy said: %v", rows, err)
	}
	wantContains(t, "logs", *rows[0].Logs, "22P02", sqlPath(dir, name))
	_, err = Deploy(ctx, o)
	if err == nil {
		t.Fatal("a deploy after a failure went ahead")
	}
	wantContains(t, "refusal", err.Error(), "P3009", name, "22P02")
}

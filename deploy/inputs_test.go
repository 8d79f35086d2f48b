package deploy

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestOddMigrations deploys files that are unusual but valid: each must be
// recorded applied under its exact folder name and checksum, and a second
// deploy must find nothing to do.
func TestOddMigrations(t *testing.T) {
	for _, c := range []struct{ name, folder, sql, creates string }{
		{"quotes in folder name", `20240102000000_it's_a_"quoted"_name`, `CREATE TABLE "Quoted" ("id" INTEGER);` + "\n", `"Quoted"`},
		{"empty file", "20240102000000_empty", "", ""},
		{"only comments", "20240102000000_empty", "-- This is an empty migration.", ""},
		{"block comment only", "20240102000000_empty", "/* nothing\n   to do */\n", ""},
		{"no trailing semicolon", "20240102000000_no_semicolon", `CREATE TABLE "NoSemi" ("id" INTEGER)`, `"NoSemi"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.NewDatabase(t)
			conn := pgtest.Connect(t, db)
			dir := writeDir(t, map[string]string{initName: initSQL, c.folder: c.sql})
			o := testOpts(t, dir, db, nil)
			if sum := mustDeploy(t, o); len(sum.Applied) != 2 {
				t.Fatalf("applied %v", appliedNames(sum))
			}
			rows := rowsNamed(historyOf(t, conn, "public"), c.folder)
			if len(rows) != 1 || !rows[0].Applied() || rows[0].Checksum != sha([]byte(c.sql)) || rows[0].AppliedSteps != 1 {
				t.Fatalf("rows for %q: %+v", c.folder, rows)
			}
			if c.creates != "" && !exists(t, conn, c.creates) {
				t.Errorf("%s was not created", c.creates)
			}
			if sum := mustDeploy(t, o); len(sum.Applied) != 0 {
				t.Errorf("second deploy applied %v", appliedNames(sum))
			}
			if st := mustStatus(t, o); states(st) != "applied applied" || st.Migrations[1].Name != c.folder {
				t.Errorf("status %+v", st.Migrations)
			}
		})
	}
}

// TestBrokenMigrations deploys files that must fail, with the failure
// recorded and pointed at.
func TestBrokenMigrations(t *testing.T) {
	const name = "20240102000000_broken"
	for _, c := range []struct {
		name, sql string
		at        string // the error's position: first occurrence; "" for none
		want      string // in the error
	}{{
		// The parser rejects the file, so it is sent whole and the
		// server's position is used.
		name: "syntax error",
		sql:  "-- CreateTable\nCREATE TABLE \"Broken\" (\n    \"id\" INTEGER NOT NULL,,\n    \"naïve\" TEXT\n);\n",
		at:   ",\n    \"naïve\"",
		want: "42601",
	}, {
		name: "syntax error after a good statement",
		sql:  "-- CreateTable\nCREATE TABLE \"Good\" (\"id\" INTEGER);\n\n-- AlterTable\nALTER TABLE \"Good\" ADD COLUMN \"x\" TEXT NOT NUL;\n",
		at:   "NUL;",
		want: "42601",
	}, {
		name: "BEGIN without COMMIT",
		sql:  "BEGIN;\nCREATE TABLE \"Open\" (\"id\" INTEGER);\n",
		want: "BEGIN without a matching COMMIT",
	}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := pgtest.NewDatabase(t)
			conn := pgtest.Connect(t, db)
			dir := writeDir(t, map[string]string{initName: initSQL, name: c.sql})
			o := testOpts(t, dir, db, nil)
			_, err := Deploy(ctx, o)
			var me *MigrationError
			if !errors.As(err, &me) {
				t.Fatalf("deploy: %v, want a *MigrationError", err)
			}
			wantContains(t, "error", me.Error(), c.want)
			if c.at != "" {
				line, col := lineCol(t, c.sql, c.at)
				wantContains(t, "error", me.Error(), fmt.Sprintf("%s:%d:%d", sqlPath(dir, name), line, col))
			}
			for _, table := range []string{`"Broken"`, `"Good"`, `"Open"`} {
				if exists(t, conn, table) {
					t.Errorf("%s exists after the failed migration", table)
				}
			}
			rows := rowsNamed(historyOf(t, conn, "public"), name)
			if len(rows) != 1 || !rows[0].Failed() || rows[0].Logs == nil {
				t.Fatalf("rows %+v, want one failed row with logs", rows)
			}
			wantContains(t, "logs", *rows[0].Logs, c.want)
		})
	}
}

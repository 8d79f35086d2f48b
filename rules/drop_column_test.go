package rules_test

import (
	"strings"
	"testing"
)

func TestDropColumn(t *testing.T) {
	runCases(t, "drop-column", []ruleCase{
		{name: "prisma removed field", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - You are about to drop the column `name` on the `User` table. All the data in the column will be lost.\n\n*/\n-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"name\";\n",
			want: []string{"8:20"}},
		{name: "each clause of a schema-qualified multi-drop", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"Post\" DROP COLUMN \"content\",\nDROP COLUMN \"views\";\n",
			want: []string{"2:29", "3:1"}},
		{name: "dropped and re-added under the same name", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"views\",\nADD COLUMN     \"views\" BIGINT NOT NULL DEFAULT 0;\n",
			want: []string{"2:20"}},
		{name: "unknown table is assumed to hold rows",
			sql:  `ALTER TABLE audit_log DROP COLUMN actor;`,
			want: []string{"1:23"}},
		{name: "the same table, known to the history", history: auditHistory,
			sql:  `ALTER TABLE audit_log DROP COLUMN actor;`,
			want: []string{"1:23"}},
		{name: "probable rename is left to drop-add-rename", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"name\",\nADD COLUMN     \"fullName\" VARCHAR(100);\n"},
		{name: "table created in the same migration",
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"label\" TEXT);\n\n-- AlterTable\nALTER TABLE \"Tag\" DROP COLUMN \"label\";\n"},
		{name: "column added earlier in the same migration", history: exampleHistory,
			sql: "ALTER TABLE \"public\".\"User\" ADD COLUMN \"tmp\" TEXT;\nALTER TABLE \"public\".\"User\" DROP COLUMN \"tmp\";\n"},
		{name: "IF EXISTS on a column the history never had", history: exampleHistory,
			sql: `ALTER TABLE "User" DROP COLUMN IF EXISTS "nickname";`},
		{name: "contract step suppressed with a reason", history: exampleHistory,
			sql: "-- AlterTable\n-- migrate-guard-ignore drop-column -- contract step, release 42 stopped reading it\nALTER TABLE \"User\" DROP COLUMN \"name\";\n"},
		{name: "values copied elsewhere, name not taken back", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"body\" JSONB;\nUPDATE \"Post\" SET \"body\" = jsonb_build_object('text', \"content\");\nALTER TABLE \"Post\" DROP COLUMN \"content\";\n",
			want: []string{"3:20"}},
		{name: "hand-written type change: copy, drop, rename back", history: exampleHistory,
			sql: "-- Step 1: Create temporary column\nALTER TABLE \"Post\"\nADD COLUMN temp_views BIGINT;\n\n-- Step 2: Update temporary column\nUPDATE \"Post\"\nSET temp_views = \"views\"::bigint;\n\n-- Step 3: Drop original column\nALTER TABLE \"Post\"\nDROP COLUMN \"views\";\n\n-- Step 4: Rename temporary column\nALTER TABLE \"Post\"\nRENAME COLUMN temp_views TO \"views\";\n"},
		{name: "dropping a constraint is not a column", history: exampleHistory,
			sql: `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";`},
	})
}

func TestDropColumnFix(t *testing.T) {
	for _, c := range []struct{ sql, fix string }{
		{`ALTER TABLE "public"."User" DROP COLUMN "name";`, "SET lock_timeout = '5s';\nALTER TABLE \"User\" DROP COLUMN \"name\";"},
		{`ALTER TABLE "Post" DROP COLUMN "views", ADD COLUMN "views" BIGINT;`, `ALTER TABLE "Post" ALTER COLUMN "views" TYPE int8 USING "views"::int8;`},
	} {
		fs := lintSQL(t, exampleHistory, c.sql, 0)
		var got []string
		for _, f := range fs {
			if f.Rule == "drop-column" {
				got = append(got, f.Fix)
			}
		}
		if len(got) != 1 || got[0] != c.fix {
			t.Errorf("%s: fixes %q, want %q", c.sql, got, c.fix)
		}
		if strings.Contains(c.sql, "ADD") == strings.Contains(dump(fs), "42703") {
			t.Errorf("%s: wrong message:\n%s", c.sql, dump(fs))
		}
	}
}

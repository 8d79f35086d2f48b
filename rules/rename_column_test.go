package rules_test

import (
	"strings"
	"testing"
)

func TestRenameColumn(t *testing.T) {
	runCases(t, "rename-column", []ruleCase{
		{name: "rename column edited into a Prisma migration", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";\n",
			want: []string{"2:20"}},
		{name: "schema-qualified, without the COLUMN keyword", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"Post\" RENAME \"content\" TO \"body\";\n",
			want: []string{"2:29"}},
		{name: "unknown table is assumed to serve traffic",
			sql:  `ALTER TABLE IF EXISTS audit_log RENAME COLUMN actor TO actor_id;`,
			want: []string{"1:33"}},
		{name: "the same table, known to the history", history: auditHistory,
			sql:  `ALTER TABLE IF EXISTS audit_log RENAME COLUMN actor TO actor_id;`,
			want: []string{"1:33"}},
		{name: "table created in the same migration",
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"label\" TEXT);\n\nALTER TABLE \"Tag\" RENAME COLUMN \"label\" TO \"name\";\n"},
		{name: "column added earlier in the same migration", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD COLUMN \"nick\" TEXT;\nALTER TABLE \"User\" RENAME COLUMN \"nick\" TO \"nickname\";\n"},
		{name: "renaming a constraint", history: exampleHistory,
			sql: `ALTER TABLE "Post" RENAME CONSTRAINT "Post_authorId_fkey" TO "Post_author_fkey";`},
		{name: "prisma RenameIndex", history: exampleHistory,
			sql: "-- RenameIndex\nALTER INDEX \"Post_authorId_idx\" RENAME TO \"Post_author_idx\";\n"},
		{name: "suppressed with a reason", history: exampleHistory,
			sql: "-- migrate-guard-ignore rename-column -- maintenance window, all instances stopped\nALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";\n"},
	})
}

func TestRenameColumnFix(t *testing.T) {
	history := append([]string{"CREATE TABLE \"Tag\" (\"label\" TEXT NOT NULL);\n"}, exampleHistory...)
	for _, c := range []struct {
		sql  string
		pg   int
		want []string
	}{
		{`ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";`, 0, []string{
			`ALTER TABLE "User" ADD COLUMN "fullName" varchar(100);`,
			`WHERE "id" IN (SELECT "id" FROM "User"`,
			`EXECUTE FUNCTION "User_fullName_sync"()`}},
		{`ALTER TABLE "Tag" RENAME COLUMN "label" TO "name";`, 10, []string{
			`ALTER TABLE "Tag" ADD COLUMN "name" text;`,
			`WHERE ctid IN (SELECT ctid FROM "Tag"`,
			`-- "label" is NOT NULL`,
			`EXECUTE PROCEDURE "Tag_name_sync"()`}},
	} {
		fs := byDefault(lintSQL(t, history, c.sql, c.pg))
		if len(fs) != 1 || fs[0].Rule != "rename-column" {
			t.Fatalf("%s: want one rename-column finding:\n%s", c.sql, dump(fs))
		}
		for _, w := range c.want {
			if !strings.Contains(fs[0].Fix, w) {
				t.Errorf("%s: fix lacks %q:\n%s", c.sql, w, fs[0].Fix)
			}
		}
	}
}

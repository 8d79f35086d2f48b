package rules_test

import (
	"strings"
	"testing"
)

func TestRedefineIndex(t *testing.T) {
	runCases(t, "redefine-index", []ruleCase{
		{name: "prisma: unique index redefined under the same name", history: exampleHistory,
			sql:  "-- RedefineIndex\nDROP INDEX \"User_email_key\";\nCREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\", \"role\");\n",
			want: []string{"2:1"}},
		{name: "prisma: renamed and redefined, schema-qualified", history: exampleHistory,
			sql:  "-- CreateIndex\nCREATE INDEX \"Post_published_idx\" ON \"public\".\"Post\"(\"published\") WHERE \"published\";\n\n-- RedefineIndex\nDROP INDEX \"public\".\"Post_authorId_idx\";\nCREATE INDEX \"Post_author_idx\" ON \"public\".\"Post\"(\"authorId\");\n",
			want: []string{"5:1"}},
		{name: "same name without the header", history: exampleHistory,
			sql: "DROP INDEX \"Post_authorId_idx\";\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\", \"published\");\n", want: []string{"1:1"}},
		{name: "goose NO TRANSACTION: the index is missing during the build", history: exampleHistory,
			sql: "-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX \"Post_authorId_idx\";\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\", \"published\");\n", want: []string{"3:1"}},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tag\" (\"id\" INTEGER, \"name\" TEXT);\nCREATE INDEX \"Tag_name_idx\" ON \"Tag\"(\"name\");\n-- RedefineIndex\nDROP INDEX \"Tag_name_idx\";\nCREATE UNIQUE INDEX \"Tag_name_idx\" ON \"Tag\"(\"name\");\n"},
		{name: "unrelated drop and create", history: exampleHistory,
			sql: "-- DropIndex\nDROP INDEX \"Post_authorId_idx\";\n\n-- CreateIndex\nCREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n"},
		{name: "header, but the dropped index is on another table", history: exampleHistory,
			sql: "-- RedefineIndex\nDROP INDEX \"User_email_key\";\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "rename only", history: exampleHistory,
			sql: "-- RenameIndex\nALTER INDEX \"Post_authorId_idx\" RENAME TO \"Post_author_idx\";\n"},
	})
}

func TestRedefineIndexFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "-- RedefineIndex\nDROP INDEX \"User_email_key\";\nCREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\", \"role\");\n", 0)
	assertFinding(t, fs, "redefine-index", `ACCESS EXCLUSIVE lock on "User"`,
		"CREATE UNIQUE INDEX CONCURRENTLY \"User_email_key_new\" ON \"User\"(\"email\", \"role\");\n",
		"DROP INDEX CONCURRENTLY IF EXISTS \"User_email_key\";\n",
		"ALTER INDEX \"User_email_key_new\" RENAME TO \"User_email_key\";")
	if got := positions(fs, "redefine-index"); len(got) != 1 {
		t.Errorf("want one finding for the pair, got %v", got)
	}
	for _, f := range fs {
		if f.Rule == "redefine-index" && strings.Contains(f.Fix, "HAVING") {
			t.Errorf("(email, role) cannot hold duplicates while email is unique; the fix checks anyway:\n%s", f.Fix)
		}
	}
	fs = lintSQL(t, exampleHistory, "-- RedefineIndex\nDROP INDEX \"Post_authorId_idx\";\nCREATE UNIQUE INDEX \"Post_authorId_key\" ON \"Post\"(\"authorId\");\n", 0)
	assertFinding(t, fs, "redefine-index",
		`SELECT "authorId", count(*) FROM "Post" WHERE "authorId" IS NOT NULL GROUP BY "authorId" HAVING count(*) > 1 LIMIT 10;
-- Migration 1, alone in its file (CONCURRENTLY cannot run in a transaction):
CREATE UNIQUE INDEX CONCURRENTLY "Post_authorId_key" ON "Post"("authorId");
-- Migration 2, alone in its file:
DROP INDEX CONCURRENTLY IF EXISTS "Post_authorId_idx";`)
	fs = lintSQL(t, exampleHistory, "-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX \"Post_authorId_idx\";\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");\n", 0)
	assertFinding(t, fs, "redefine-index", "without the index until the build ends", "SHARE lock")
	if got := positions(fs, "redefine-index"); len(got) != 1 {
		t.Errorf("want one finding for the pair, got %v", got)
	}
}

// TestRedefineIndexReportedOnce checks that a redefinition pair draws one
// finding from all rules together: redefine-index's, not also
// require-concurrent-drop-index's and require-concurrent-index's. A lone
// DROP INDEX or CREATE INDEX next to the pair is still theirs.
func TestRedefineIndexReportedOnce(t *testing.T) {
	for _, sql := range []string{
		"-- RedefineIndex\nDROP INDEX \"User_email_key\";\nCREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\", \"role\");\n",
		"-- RedefineIndex\nDROP INDEX \"public\".\"Post_authorId_idx\";\nCREATE UNIQUE INDEX \"Post_authorId_key\" ON \"public\".\"Post\"(\"authorId\");\n",
		"-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX \"Post_authorId_idx\";\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\", \"published\");\n",
	} {
		if fs := byDefault(lintSQL(t, exampleHistory, sql, 0)); len(fs) != 1 || fs[0].Rule != "redefine-index" {
			t.Errorf("want one redefine-index finding for\n%s\ngot:\n%s", sql, dump(fs))
		}
	}
	sql := "-- DropIndex\nDROP INDEX \"User_email_key\";\n\n-- RedefineIndex\nDROP INDEX \"Post_authorId_idx\";\n" +
		"CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\", \"published\");\n\n-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n"
	fs := lintSQL(t, exampleHistory, sql, 0)
	for rule, want := range map[string]string{"require-concurrent-drop-index": "2:1", "redefine-index": "5:1", "require-concurrent-index": "9:1"} {
		if got := positions(fs, rule); len(got) != 1 || got[0] != want {
			t.Errorf("%s fired at %v, want [%s]:\n%s", rule, got, want, dump(fs))
		}
	}
}

// TestRenameIndexIsQuiet checks that Prisma's RenameIndex idiom draws no
// finding from any rule: renaming an index only touches the catalog.
func TestRenameIndexIsQuiet(t *testing.T) {
	for _, sql := range []string{
		"-- RenameIndex\nALTER INDEX \"Post_authorId_idx\" RENAME TO \"Post_author_idx\";\n",
		"-- RenameIndex\nALTER INDEX \"public\".\"User_email_key\" RENAME TO \"User_email_address_key\";\n\n-- RenameIndex\nALTER INDEX \"Post_authorId_idx\" RENAME TO \"Post_author_idx\";\n",
	} {
		if fs := byDefault(lintSQL(t, exampleHistory, sql, 0)); len(fs) > 0 {
			t.Errorf("RenameIndex draws findings:\n%s\n%s", sql, dump(fs))
		}
	}
}

package rules_test

import (
	"strings"
	"testing"
)

func TestRequireConcurrentDropIndex(t *testing.T) {
	runCases(t, "require-concurrent-drop-index", []ruleCase{
		{name: "prisma DropIndex on an existing table", history: exampleHistory,
			sql:  "-- DropIndex\nDROP INDEX \"Post_authorId_idx\";\n",
			want: []string{"2:1"}},
		{name: "schema-qualified, after other statements", history: exampleHistory,
			sql:  "-- DropIndex\nDROP INDEX \"public\".\"User_email_key\";\n\n-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY \"User_email_lower_key\" ON \"User\"(lower(\"email\"));\n",
			want: []string{"2:1"}},
		{name: "unknown index is assumed to be on an existing table",
			sql:  "-- DropIndex\nDROP INDEX IF EXISTS \"Session_token_idx\";\n",
			want: []string{"2:1"}},
		{name: "index created on an existing table earlier in the file", history: exampleHistory,
			sql:  "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\nDROP INDEX \"Post_title_idx\";\n",
			want: []string{"2:1"}},
		{name: "concurrent drop", history: exampleHistory,
			sql: "-- DropIndex\nDROP INDEX CONCURRENTLY IF EXISTS \"Post_authorId_idx\";\n"},
		{name: "index of a table created in the same migration", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT NOT NULL,\n\n    CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n\n-- DropIndex\nDROP INDEX \"public\".\"Tag_name_key\";\n"},
		{name: "the transaction already holds ACCESS EXCLUSIVE on the table", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- DropIndex\nDROP INDEX \"Post_authorId_idx\";\n"},
		{name: "Prisma 7.8 commits the ALTER first: the drop waits again", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- DropIndex\nDROP INDEX \"Post_authorId_idx\";\n",
			want: []string{"5:1"}},
		{name: "a weaker lock held does not cover the drop", history: exampleHistory,
			sql:  "CREATE INDEX \"Post_views_idx\" ON \"Post\"(\"views\");\nDROP INDEX \"Post_authorId_idx\";\n",
			want: []string{"2:1"}},
		{name: "not an index", history: exampleHistory,
			sql: "-- DropTable\nDROP TABLE \"Post\";\n"},
	})
}

func TestRequireConcurrentDropIndexFix(t *testing.T) {
	wantFix(t, exampleHistory, "DROP INDEX \"public\".\"Post_authorId_idx\", \"User_email_key\";", "require-concurrent-drop-index",
		"DROP INDEX CONCURRENTLY IF EXISTS \"Post_authorId_idx\";", "DROP INDEX CONCURRENTLY IF EXISTS \"User_email_key\";")
	f := findingOf(t, exampleHistory, "-- DropIndex\nDROP INDEX \"Post_authorId_idx\";\n", "require-concurrent-drop-index")
	if want := `DROP INDEX "Post_authorId_idx" takes an ACCESS EXCLUSIVE lock on "Post"`; !strings.HasPrefix(f.Message, want) {
		t.Errorf("message %q does not start with %q", f.Message, want)
	}
}

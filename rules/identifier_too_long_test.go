package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

func TestIdentifierTooLong(t *testing.T) {
	n63 := strings.Repeat("a", 63)
	long := "Post_authorId_published_views_title_content_createdAt_updatedAt_idx" // 67 bytes
	runCases(t, "identifier-too-long", []ruleCase{
		{name: "prisma index name", history: exampleHistory,
			sql:  "-- CreateIndex\nCREATE INDEX \"" + long + "\" ON \"Post\"(\"authorId\", \"published\", \"views\", \"title\", \"content\");\n",
			want: []string{"2:14"}},
		{name: "64 bytes: one too many", sql: "CREATE TABLE \"" + n63 + "b\" (\"id\" TEXT);\n", want: []string{"1:14"}},
		{name: "multibyte name over 63 bytes", sql: "CREATE TABLE \"t\" (\"" + strings.Repeat("x", 62) + "é\" TEXT);\n", want: []string{"1:19"}},
		{name: "constraint, column and enum type",
			sql: "CREATE TYPE \"" + n63 + "_kind\" AS ENUM ('A');\n" +
				"CREATE TABLE \"Invoice\" (\n    \"" + n63 + "_amount\" INTEGER NOT NULL,\n    CONSTRAINT \"" + n63 + "_pkey\" PRIMARY KEY (\"id\")\n);\n",
			want: []string{"1:13", "3:5", "4:16"}},
		{name: "unquoted names fold to lower case", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN " + strings.ToUpper(n63) + "_X TEXT;\n", want: []string{"1:31"}},
		{name: "rename to a long name", history: exampleHistory,
			sql: "-- RenameIndex\nALTER INDEX \"Post_authorId_idx\" RENAME TO \"" + long + "\";\n", want: []string{"2:43"}},
		{name: "two names truncated alike", history: exampleHistory,
			sql:  "CREATE INDEX \"" + n63 + "_one\" ON \"Post\"(\"title\");\nCREATE INDEX \"" + n63 + "_two\" ON \"Post\"(\"views\");\n",
			want: []string{"1:14", "2:14"}},
		{name: "exactly 63 bytes", sql: "CREATE TABLE \"" + n63 + "\" (\"id\" TEXT);\n"},
		{name: "63 bytes with a multibyte character", sql: "CREATE TABLE \"" + strings.Repeat("x", 61) + "é\" (\"id\" TEXT);\n"},
		{name: "a long name referred to, not given", history: []string{"CREATE TABLE \"" + n63 + "_log\" (\"id\" TEXT);"},
			sql: "ALTER TABLE \"" + n63 + "_log\" ADD COLUMN \"at\" TIMESTAMPTZ;\nDROP TABLE \"" + n63 + "_log\";\n"},
		{name: "prisma names of a typical model", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE INDEX \"Post_authorId_published_idx\" ON \"Post\"(\"authorId\", \"published\");\n"},
	})
}

func TestIdentifierTooLongMessages(t *testing.T) {
	n63 := strings.Repeat("a", 63)
	fs := lintSQL(t, exampleHistory, "CREATE INDEX \"Post_authorId_published_views_title_content_createdAt_updatedAt_idx\" ON \"Post\"(\"title\");\n", 0)
	assertFinding(t, fs, "identifier-too-long", "index name \"Post_authorId_published_views_title_content_createdAt_updatedAt_idx\" is 67 bytes",
		"gets the name \"Post_authorId_published_views_title_content_createdAt_updatedAt\"", "NOTICE 42622", "map: ")
	fs = lintSQL(t, []string{"CREATE TABLE \"" + n63 + "\" (\"id\" TEXT);"}, "CREATE TABLE \""+n63+"_archive\" (\"id\" TEXT);\n", 0)
	assertFinding(t, fs, "identifier-too-long", "table \""+n63+"\" already holds that name", "42P07")
	fs = lintSQL(t, nil, "CREATE TABLE \"t\" (\""+n63+"_a\" TEXT, \""+n63+"_b\" TEXT);\n", 0)
	if got := positions(fs, "identifier-too-long"); len(got) != 2 {
		t.Fatalf("want two findings, got %v", got)
	}
	for _, f := range fs {
		if f.Rule == "identifier-too-long" && f.Column > 80 && !strings.Contains(f.Message, "another name of this statement") {
			t.Errorf("second column does not say it collides: %s", f.Message)
		}
	}
}

// TestIdentifierTooLongOnPostgres holds the truncated names the rule
// reports to the names a real server gives the tables.
func TestIdentifierTooLongOnPostgres(t *testing.T) {
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	for _, name := range []string{
		`"` + strings.Repeat("a", 64) + `"`,
		`"` + strings.Repeat("x", 62) + `é"`,
		`"` + strings.Repeat("y", 61) + `日本"`,
		strings.Repeat("Ab", 40),
	} {
		sql := "CREATE TABLE " + name + " (\"id\" TEXT);"
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		var got string
		if err := conn.QueryRow(ctx, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "DROP TABLE "+name); err != nil {
			t.Fatal(err)
		}
		assertFinding(t, lintSQL(t, nil, sql, 0), "identifier-too-long", "gets the name \""+got+"\"")
	}
}

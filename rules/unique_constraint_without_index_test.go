package rules_test

import (
	"strings"
	"testing"
)

func TestUniqueConstraintWithoutIndex(t *testing.T) {
	runCases(t, "unique-constraint-without-index", []ruleCase{
		{name: "unique constraint on an existing table", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE (\"title\");\n",
			want: []string{"2:20"}},
		{name: "unique column added, schema-qualified", history: exampleHistory,
			sql:  "ALTER TABLE \"public\".\"User\" ADD COLUMN \"handle\" TEXT UNIQUE;\n",
			want: []string{"1:29"}},
		{name: "primary key on a table that has none", history: []string{"CREATE TABLE \"Log\" (\"id\" BIGINT NOT NULL, \"msg\" TEXT);"},
			sql:  "-- AlterTable\nALTER TABLE \"Log\" ADD CONSTRAINT \"Log_pkey\" PRIMARY KEY (\"id\");\n",
			want: []string{"2:19"}},
		{name: "USING INDEX", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE USING INDEX \"Post_title_key\";\n"},
		{name: "new table's key added by a later statement", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL, \"name\" TEXT NOT NULL);\n\n-- AlterTable\nALTER TABLE \"Tag\" ADD CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\"), ADD CONSTRAINT \"Tag_name_key\" UNIQUE (\"name\");\n"},
		{name: "prisma @unique is a CREATE UNIQUE INDEX, not this rule's", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY \"Post_title_key\" ON \"Post\"(\"title\");\n"},
		{name: "serial primary key column is adding-serial-column's", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP CONSTRAINT \"User_pkey\", ADD COLUMN \"uid\" BIGSERIAL PRIMARY KEY;\n"},
		{name: "primary key swap is drop-primary-key's", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\", \"authorId\");\n"},
	})
}

func TestUniqueConstraintWithoutIndexFix(t *testing.T) {
	wantFix(t, exampleHistory, "ALTER TABLE \"public\".\"Post\" ADD UNIQUE (\"title\") INCLUDE (\"views\") DEFERRABLE;",
		"unique-constraint-without-index",
		"-- Must return no row before the unique index is built",
		`SELECT "title", count(*) FROM "Post" WHERE "title" IS NOT NULL GROUP BY "title" HAVING count(*) > 1 LIMIT 10;`,
		"CREATE UNIQUE INDEX CONCURRENTLY \"Post_title_key\" ON \"Post\" (\"title\") INCLUDE (\"views\");",
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE USING INDEX \"Post_title_key\" DEFERRABLE;")
	wantFix(t, exampleHistory, "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT UNIQUE NULLS NOT DISTINCT;",
		"unique-constraint-without-index",
		"-- Migration 1: add the column without its UNIQUE constraint.\nALTER TABLE \"User\" ADD COLUMN \"handle\" text;",
		"-- Migration 2, alone", "CREATE UNIQUE INDEX CONCURRENTLY \"User_handle_key\" ON \"User\" (\"handle\") NULLS NOT DISTINCT;",
		"-- Migration 3", "ALTER TABLE \"User\" ADD CONSTRAINT \"User_handle_key\" UNIQUE USING INDEX \"User_handle_key\";")
	wantFix(t, []string{"CREATE TABLE \"Log\" (\"id\" BIGINT, \"at\" DATE NOT NULL);"},
		"ALTER TABLE \"Log\" ADD PRIMARY KEY (\"id\", \"at\");", "unique-constraint-without-index",
		`SELECT "id", "at", count(*) FROM "Log" GROUP BY "id", "at" HAVING count(*) > 1 LIMIT 10;`,
		`SELECT count(*) FROM "Log" WHERE "id" IS NULL;`,
		"CREATE UNIQUE INDEX CONCURRENTLY \"Log_pkey\" ON \"Log\" (\"id\", \"at\");",
		"-- \"id\" must be NOT NULL before the next step",
		"ALTER TABLE \"Log\" ADD CONSTRAINT \"Log_pkey\" PRIMARY KEY USING INDEX \"Log_pkey\";")
	wantFix(t, exampleHistory, "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE NULLS NOT DISTINCT (\"title\", \"content\");",
		"unique-constraint-without-index",
		`SELECT "title", "content", count(*) FROM "Post" GROUP BY "title", "content" HAVING count(*) > 1 LIMIT 10;`)
	// email is unique already, and a new column holds no duplicate yet: nothing to look for.
	for _, sql := range []string{
		"ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_role_key\" UNIQUE (\"email\", \"role\");",
		"ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT UNIQUE;",
	} {
		if f := findingOf(t, exampleHistory, sql, "unique-constraint-without-index"); strings.Contains(f.Fix, "HAVING") {
			t.Errorf("the fix looks for duplicates that cannot exist:\n%s", f.Fix)
		}
	}
	wantMessage(t, exampleHistory, "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE (\"title\");",
		"unique-constraint-without-index",
		`adding UNIQUE constraint "Post_title_key" builds its unique index by reading every row of "Post"`,
		`an ACCESS EXCLUSIVE lock on "Post", which blocks reads and writes on it`, "23505")
}

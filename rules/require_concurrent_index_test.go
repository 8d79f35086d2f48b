package rules_test

import (
	"strings"
	"testing"
)

func TestRequireConcurrentIndex(t *testing.T) {
	runCases(t, "require-concurrent-index", []ruleCase{
		{name: "prisma @@index on an existing table", history: exampleHistory,
			sql:  "-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"2:1"}},
		{name: "@unique after a new column, schema-qualified", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN     \"handle\" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"public\".\"User\"(\"handle\");\n",
			want: []string{"5:1"}},
		{name: "unknown table is assumed to hold rows",
			sql:  "CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor);",
			want: []string{"1:1"}},
		{name: "the same table, known to the history", history: auditHistory,
			sql:  "CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor);",
			want: []string{"1:1"}},
		{name: "index on a table created in the same migration", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT NOT NULL,\n\n    CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"public\".\"Tag\"(\"name\");\n"},
		{name: "concurrent build", history: exampleHistory,
			sql: "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");"},
		{name: "concurrent unique build with IF NOT EXISTS", history: exampleHistory,
			sql: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"User_name_key\" ON \"public\".\"User\"(\"name\");"},
	})
}

func TestRequireConcurrentIndexFix(t *testing.T) {
	wantFix(t, exampleHistory,
		"-- CreateIndex\nCREATE UNIQUE INDEX IF NOT EXISTS \"User_name_key\" ON \"public\".\"User\"(\"name\") WHERE \"name\" IS NOT NULL;\n",
		"require-concurrent-index",
		"-- Must return no row before the unique index is built",
		`SELECT "name", count(*) FROM "User" WHERE "name" IS NOT NULL AND (name IS NOT NULL) GROUP BY "name" HAVING count(*) > 1 LIMIT 10;`,
		"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"User_name_key\" ON \"public\".\"User\"(\"name\") WHERE \"name\" IS NOT NULL;\n",
		"DROP INDEX CONCURRENTLY IF EXISTS \"User_name_key\";")
	// email is unique already: (email, name) cannot hold duplicates, and a plain index never rejects any.
	for _, sql := range []string{
		"CREATE UNIQUE INDEX \"User_email_name_key\" ON \"User\"(\"email\", \"name\");",
		"CREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");",
	} {
		if f := findingOf(t, exampleHistory, sql, "require-concurrent-index"); strings.Contains(f.Fix, "HAVING") {
			t.Errorf("the fix looks for duplicates that cannot exist:\n%s", f.Fix)
		}
	}
	wantFix(t, exampleHistory, "CREATE INDEX ON \"Post\" (\"title\");", "require-concurrent-index",
		"CREATE INDEX CONCURRENTLY ON \"Post\" (\"title\");", "WHERE NOT indisvalid")
	wantFix(t, exampleHistory, "CREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\") -- for search\n;", "require-concurrent-index",
		"CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\") -- for search\n;\n")
}

package rules_test

import "testing"

func TestUniqueOverExistingData(t *testing.T) {
	runCases(t, "unique-over-existing-data", []ruleCase{
		{name: "concurrent unique index on an existing table", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY \"Post_title_key\" ON \"Post\"(\"title\");\n", want: []string{"2:1"}},
		{name: "expression and partial, schema-qualified", history: exampleHistory,
			sql: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"User_name_lower_key\" ON \"public\".\"User\" (lower(\"name\")) WHERE \"role\" = 'ADMIN';\n", want: []string{"1:1"}},
		{name: "columns of an existing unique index", history: exampleHistory,
			sql: "CREATE UNIQUE INDEX CONCURRENTLY \"User_email_role_key\" ON \"User\"(\"email\", \"role\");\n"},
		{name: "plain build is require-concurrent-index's", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"},
		{name: "not unique", history: exampleHistory,
			sql: "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tag\" (\"id\" INTEGER, \"name\" TEXT);\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
	})
}

func TestUniqueOverExistingDataQuery(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `CREATE UNIQUE INDEX CONCURRENTLY "Post_title_authorId_key" ON "Post"("title", "authorId");`, 0)
	assertFinding(t, fs, "unique-over-existing-data", "23505", "INVALID",
		`SELECT "title", "authorId", count(*) FROM "Post" WHERE "title" IS NOT NULL AND "authorId" IS NOT NULL GROUP BY "title", "authorId" HAVING count(*) > 1 LIMIT 10;`)
	fs = lintSQL(t, exampleHistory, `CREATE UNIQUE INDEX CONCURRENTLY "u" ON "User" (lower("name")) NULLS NOT DISTINCT WHERE "role" = 'ADMIN';`, 0)
	assertFinding(t, fs, "unique-over-existing-data",
		`SELECT (lower(name)), count(*) FROM "User" WHERE (role = 'ADMIN') GROUP BY (lower(name)) HAVING count(*) > 1 LIMIT 10;`)
}

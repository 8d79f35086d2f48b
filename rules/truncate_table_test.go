package rules_test

import "testing"

func TestTruncateTable(t *testing.T) {
	runCases(t, "truncate-table", []ruleCase{
		{name: "plain truncate", history: exampleHistory,
			sql: "-- Clear the posts\nTRUNCATE TABLE \"Post\";\n", want: []string{"2:1"}},
		{name: "cascade, schema-qualified", history: exampleHistory,
			sql: "TRUNCATE \"public\".\"User\" RESTART IDENTITY CASCADE;\n", want: []string{"1:1"}},
		{name: "referenced table without cascade", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nTRUNCATE \"User\";\n", want: []string{"2:1"}},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Cache\" (\"key\" TEXT NOT NULL, \"value\" JSONB);\nTRUNCATE \"Cache\";\n"},
		{name: "delete with where", history: exampleHistory,
			sql: "DELETE FROM \"Post\" WHERE \"published\" = false;\n"},
	})
}

func TestTruncateTableMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `TRUNCATE "User" CASCADE;`, 0)
	assertFinding(t, fs, "truncate-table", "ACCESS EXCLUSIVE", `CASCADE also empties "Post"`,
		`DELETE FROM "Post" WHERE ctid IN (SELECT ctid FROM "Post" LIMIT 10000);
DELETE FROM "User" WHERE ctid IN`)
	fs = lintSQL(t, exampleHistory, `TRUNCATE "User";`, 0)
	assertFinding(t, fs, "truncate-table", `0A000`, `"Post" references it`)
	fs = lintSQL(t, exampleHistory, `TRUNCATE "User", "Post";`, 0)
	assertFinding(t, fs, "truncate-table", `"User" and "Post"`)
}

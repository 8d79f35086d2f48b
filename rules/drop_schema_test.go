package rules_test

import "testing"

func TestDropSchema(t *testing.T) {
	reporting := append(append([]string(nil), exampleHistory...),
		"CREATE SCHEMA \"reporting\";\nCREATE TABLE \"reporting\".\"Daily\" (\"day\" DATE NOT NULL, \"views\" INTEGER NOT NULL);\n")
	runCases(t, "drop-schema", []ruleCase{
		{name: "cascade drops every table", history: exampleHistory,
			sql: "DROP SCHEMA \"public\" CASCADE;\n", want: []string{"1:1"}},
		{name: "cascade on a schema the history does not show", history: exampleHistory,
			sql: "-- Remove the old analytics\nDROP SCHEMA IF EXISTS analytics CASCADE;\n", want: []string{"2:1"}},
		{name: "a schema that still holds a table fails", history: reporting,
			sql: "DROP SCHEMA \"reporting\";\n", want: []string{"1:1"}},
		{name: "emptied first", history: reporting,
			sql: "DROP TABLE \"reporting\".\"Daily\";\nDROP SCHEMA \"reporting\";\n"},
		{name: "unknown schema without cascade", history: exampleHistory,
			sql: "DROP SCHEMA IF EXISTS \"legacy\";\n"},
		{name: "created in the same migration",
			sql: "CREATE SCHEMA \"tmp\";\nCREATE TABLE \"tmp\".\"T\" (\"id\" INTEGER);\nDROP SCHEMA \"tmp\" CASCADE;\n"},
	})
}

func TestDropSchemaMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `DROP SCHEMA "public" CASCADE;`, 0)
	assertFinding(t, fs, "drop-schema", `"Post" and "User"`, "DROP TABLE \"User\";", "DROP SCHEMA \"public\";")
}

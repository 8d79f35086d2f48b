package rules_test

import "testing"

func TestRequireConcurrentReindex(t *testing.T) {
	runCases(t, "require-concurrent-reindex", []ruleCase{
		{name: "index of an existing table", history: exampleHistory,
			sql: "-- Rebuild a bloated index\nREINDEX INDEX \"Post_authorId_idx\";\n", want: []string{"2:1"}},
		{name: "table, schema-qualified, with options", history: exampleHistory,
			sql: "REINDEX (VERBOSE) TABLE \"public\".\"User\";\n", want: []string{"1:1"}},
		{name: "schema", history: exampleHistory, sql: "REINDEX SCHEMA public;\n", want: []string{"1:1"}},
		{name: "PostgreSQL 11 has no concurrent form but still blocks", history: exampleHistory, pg: 11,
			sql: "REINDEX TABLE \"Post\";\n", want: []string{"1:1"}},
		{name: "concurrently", history: exampleHistory, sql: "REINDEX INDEX CONCURRENTLY \"Post_authorId_idx\";\n"},
		{name: "concurrently as an option", history: exampleHistory, sql: "REINDEX (CONCURRENTLY, VERBOSE) TABLE \"Post\";\n"},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\"));\nREINDEX TABLE \"Tag\";\n"},
		{name: "system catalogs have no concurrent form", history: exampleHistory, sql: "REINDEX SYSTEM app;\n"},
	})
}

func TestRequireConcurrentReindexFix(t *testing.T) {
	wantFix(t, exampleHistory, "REINDEX (VERBOSE) TABLE \"public\".\"User\";", "require-concurrent-reindex",
		"REINDEX (VERBOSE) TABLE CONCURRENTLY \"public\".\"User\";")
	wantFix(t, exampleHistory, "REINDEX INDEX \"Post_authorId_idx\"", "require-concurrent-reindex",
		"REINDEX INDEX CONCURRENTLY \"Post_authorId_idx\";")
	wantMessage(t, exampleHistory, "REINDEX INDEX \"Post_authorId_idx\";", "require-concurrent-reindex",
		`an ACCESS EXCLUSIVE lock on index "Post_authorId_idx" of "Post", which blocks reads and writes on "Post"`)
}

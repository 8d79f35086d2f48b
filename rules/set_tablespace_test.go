package rules_test

import "testing"

func TestSetTablespace(t *testing.T) {
	runCases(t, "set-tablespace", []ruleCase{
		{name: "table", history: exampleHistory, sql: "ALTER TABLE \"Post\" SET TABLESPACE \"fast_ssd\";\n", want: []string{"1:20"}},
		{name: "index, schema-qualified", history: exampleHistory,
			sql: "ALTER INDEX \"public\".\"Post_authorId_idx\" SET TABLESPACE \"fast_ssd\";\n", want: []string{"1:42"}},
		{name: "index the history does not know", sql: "ALTER INDEX audit_idx SET TABLESPACE fast_ssd;\n", want: []string{"1:23"}},
		{name: "the same index, known to the history", history: auditHistory,
			sql: "ALTER INDEX audit_idx SET TABLESPACE fast_ssd;\n", want: []string{"1:23"}},
		{name: "new table", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\nALTER TABLE \"Tag\" SET TABLESPACE \"fast_ssd\";\n"},
		{name: "index of a new table", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\nCREATE INDEX \"Tag_id_idx\" ON \"Tag\"(\"id\");\nALTER INDEX \"Tag_id_idx\" SET TABLESPACE \"fast_ssd\";\n"},
		{name: "table created in a tablespace", history: exampleHistory,
			sql: "CREATE TABLE \"Archive\" (\"id\" SERIAL NOT NULL) TABLESPACE \"fast_ssd\";\n"},
	})
}

func TestSetTablespaceFix(t *testing.T) {
	wantFix(t, exampleHistory, "ALTER INDEX \"Post_authorId_idx\" SET TABLESPACE \"fast_ssd\";", "set-tablespace",
		"REINDEX (TABLESPACE \"fast_ssd\") INDEX CONCURRENTLY \"Post_authorId_idx\";")
	wantFix(t, exampleHistory, "ALTER TABLE \"Post\" SET TABLESPACE \"fast_ssd\";", "set-tablespace",
		"pg_repack --dbname=\"$DATABASE_URL\" --table='\"public\".\"Post\"' --tablespace='fast_ssd' --moveidx")
	wantMessage(t, exampleHistory, "ALTER TABLE \"Post\" SET TABLESPACE \"fast_ssd\";", "set-tablespace",
		`an ACCESS EXCLUSIVE lock on "Post", which blocks reads and writes on it`)
}

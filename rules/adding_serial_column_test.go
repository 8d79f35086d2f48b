package rules_test

import "testing"

func TestAddingSerialColumn(t *testing.T) {
	runCases(t, "adding-serial-column", []ruleCase{
		{name: "prisma autoincrement field on an existing model", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"number\" SERIAL NOT NULL;\n",
			want: []string{"2:20"}},
		{name: "bigserial in a second clause, schema-qualified", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN     \"bio\" TEXT,\nADD COLUMN     \"seq\" BIGSERIAL NOT NULL;\n",
			want: []string{"3:1"}},
		{name: "smallserial on a table the history does not know",
			sql:  "ALTER TABLE audit_log ADD COLUMN n smallserial;",
			want: []string{"1:23"}},
		{name: "smallserial on the same table, known to the history", history: auditHistory,
			sql:  "ALTER TABLE audit_log ADD COLUMN n smallserial;",
			want: []string{"1:23"}},
		{name: "plain integer column", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"number\" INTEGER;\n"},
		{name: "new model with an autoincrement id", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT NOT NULL,\n\n    CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\")\n);\n"},
		{name: "table created earlier in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"name\" TEXT NOT NULL);\nALTER TABLE \"public\".\"Tag\" ADD COLUMN \"id\" SERIAL NOT NULL;\n"},
		{name: "IF NOT EXISTS of a column the table has", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN IF NOT EXISTS \"id\" SERIAL NOT NULL;"},
	})
}

func TestAddingSerialColumnFix(t *testing.T) {
	wantFix(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"number\" BIGSERIAL NOT NULL;", "adding-serial-column",
		"ALTER TABLE \"Post\" ADD COLUMN \"number\" bigint;",
		"CREATE SEQUENCE \"Post_number_seq\" AS bigint OWNED BY \"Post\".\"number\";",
		"ALTER TABLE \"Post\" ALTER COLUMN \"number\" SET DEFAULT nextval('\"Post_number_seq\"');",
		"UPDATE \"Post\" SET \"number\" = nextval('\"Post_number_seq\"')",
		"VALIDATE CONSTRAINT \"Post_number_not_null\";")
	wantMessage(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"number\" SERIAL NOT NULL;", "adding-serial-column",
		`rewrites "Post" and rebuilds its indexes, and until it finishes the statement runs under an ACCESS EXCLUSIVE lock on "Post", which blocks reads and writes on it`)
}

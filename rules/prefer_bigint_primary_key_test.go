package rules_test

import "testing"

func TestPreferBigintPrimaryKey(t *testing.T) {
	runCases(t, "prefer-bigint-primary-key", []ruleCase{
		{name: "prisma Int @id @default(autoincrement())",
			sql:  "-- CreateTable\nCREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    \"body\" TEXT NOT NULL,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n",
			want: []string{"3:10"}},
		{name: "integer key written on the column", sql: "CREATE TABLE \"public\".\"Visit\" (\"id\" INTEGER PRIMARY KEY, \"path\" TEXT);\n", want: []string{"1:37"}},
		{name: "smallint identity key",
			sql:  "CREATE TABLE \"Plan\" (\n    \"id\" SMALLINT GENERATED ALWAYS AS IDENTITY,\n    CONSTRAINT \"Plan_pkey\" PRIMARY KEY (\"id\")\n);\n",
			want: []string{"2:10"}},
		{name: "bigserial key", sql: "CREATE TABLE \"Comment\" (\"id\" BIGSERIAL NOT NULL, CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\"));\n"},
		{name: "text key", sql: "CREATE TABLE \"Comment\" (\"id\" TEXT NOT NULL, CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\"));\n"},
		{name: "composite key of a join table",
			sql: "CREATE TABLE \"PostTag\" (\"postId\" INTEGER NOT NULL, \"tagId\" INTEGER NOT NULL, CONSTRAINT \"PostTag_pkey\" PRIMARY KEY (\"postId\",\"tagId\"));\n"},
		{name: "integer column that is not the key", sql: "CREATE TABLE \"Comment\" (\"id\" UUID PRIMARY KEY, \"n\" INTEGER);\n"},
		{name: "existing table: out of scope", history: exampleHistory, sql: "ALTER TABLE \"Post\" ADD COLUMN \"n\" INTEGER;\n"},
	})
}

func TestPreferBigintPrimaryKeyMessages(t *testing.T) {
	fs := lintSQL(t, nil, "CREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n", 0)
	assertFinding(t, fs, "prefer-bigint-primary-key", "stops at 2147483647", "2200H", "BigInt @id",
		"\"id\" BIGSERIAL NOT NULL,")
	fs = lintSQL(t, nil, "CREATE TABLE \"Visit\" (\"id\" int2 PRIMARY KEY);\n", 0)
	assertFinding(t, fs, "prefer-bigint-primary-key", "above 32767 fail with SQLSTATE 22003", "(\"id\" BIGINT PRIMARY KEY);")
}

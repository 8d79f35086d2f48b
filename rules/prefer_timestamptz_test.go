package rules_test

import "testing"

func TestPreferTimestamptz(t *testing.T) {
	runCases(t, "prefer-timestamptz", []ruleCase{
		{name: "prisma DateTime columns of a new table",
			sql:  "-- CreateTable\nCREATE TABLE \"Session\" (\n    \"id\" TEXT NOT NULL,\n    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \"expiresAt\" TIMESTAMP(3) NOT NULL,\n\n    CONSTRAINT \"Session_pkey\" PRIMARY KEY (\"id\")\n);\n",
			want: []string{"4:17", "5:17"}},
		{name: "spelled out, added to an existing table", history: exampleHistory,
			sql: "ALTER TABLE \"public\".\"Post\" ADD COLUMN \"publishedAt\" timestamp without time zone;\n", want: []string{"1:54"}},
		{name: "retyped to timestamp", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"title\" SET DATA TYPE TIMESTAMP(3) USING now();\n", want: []string{"2:55"}},
		{name: "timestamptz", history: exampleHistory, sql: "ALTER TABLE \"Post\" ADD COLUMN \"publishedAt\" TIMESTAMPTZ(3);\n"},
		{name: "with time zone spelled out", history: exampleHistory, sql: "ALTER TABLE \"Post\" ADD COLUMN \"publishedAt\" TIMESTAMP(3) WITH TIME ZONE;\n"},
		{name: "date", history: exampleHistory, sql: "ALTER TABLE \"Post\" ADD COLUMN \"day\" DATE;\n"},
		{name: "a timestamp column already there", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ALTER COLUMN \"createdAt\" DROP DEFAULT;\n"},
	})
}

func TestPreferTimestamptzFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"publishedAt\" TIMESTAMP(3) WITHOUT TIME ZONE,\nADD COLUMN \"seenAt\" TIMESTAMP[];\n", 0)
	assertFinding(t, fs, "prefer-timestamptz", `column "publishedAt" of "Post"`, "@db.Timestamptz(3)",
		"ALTER TABLE \"Post\" ADD COLUMN \"publishedAt\" TIMESTAMPTZ(3),\nADD COLUMN \"seenAt\" TIMESTAMPTZ[];")
}

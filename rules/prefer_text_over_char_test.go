package rules_test

import "testing"

func TestPreferTextOverChar(t *testing.T) {
	runCases(t, "prefer-text-over-char", []ruleCase{
		{name: "prisma @db.Char(2)", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"countryCode\" CHAR(2);\n", want: []string{"2:49"}},
		{name: "character(n) and bare char in a new table",
			sql:  "CREATE TABLE \"Currency\" (\n    \"code\" CHARACTER(3) NOT NULL,\n    \"flag\" char\n);\n",
			want: []string{"2:12", "3:12"}},
		{name: "retyped to bpchar", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ALTER COLUMN \"name\" TYPE bpchar(100);\n", want: []string{"1:45"}},
		{name: "varchar", history: exampleHistory, sql: "ALTER TABLE \"User\" ADD COLUMN \"countryCode\" VARCHAR(2);\n"},
		{name: "character varying", history: exampleHistory, sql: "ALTER TABLE \"User\" ADD COLUMN \"countryCode\" CHARACTER VARYING(2);\n"},
		{name: "the one-byte \"char\" type", history: exampleHistory, sql: "ALTER TABLE \"User\" ADD COLUMN \"kind\" \"char\";\n"},
		{name: "text", history: exampleHistory, sql: "ALTER TABLE \"User\" ADD COLUMN \"countryCode\" TEXT;\n"},
	})
}

func TestPreferTextOverCharFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"User\" ADD COLUMN \"countryCode\" CHAR(2) NOT NULL DEFAULT 'US';\n", 0)
	assertFinding(t, fs, "prefer-text-over-char", "is char(2)", "22001", "@db.Char(n)",
		"ALTER TABLE \"User\" ADD COLUMN \"countryCode\" TEXT NOT NULL DEFAULT 'US';")
}

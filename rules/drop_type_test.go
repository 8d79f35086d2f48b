package rules_test

import "testing"

func TestDropType(t *testing.T) {
	runCases(t, "drop-type", []ruleCase{
		{name: "enum still used", history: exampleHistory,
			sql: "-- DropEnum\nDROP TYPE \"Role\";\n", want: []string{"2:1"}},
		{name: "cascade drops the column, schema-qualified", history: exampleHistory,
			sql: "DROP TYPE IF EXISTS \"public\".\"Role\" CASCADE;\n", want: []string{"1:1"}},
		{name: "used by a table created in the same migration still fails",
			sql:  "CREATE TYPE \"Kind\" AS ENUM ('A');\nCREATE TABLE \"Item\" (\"id\" TEXT NOT NULL, \"kinds\" \"Kind\"[]);\nDROP TYPE \"Kind\";\n",
			want: []string{"3:1"}},
		{name: "cascade over a new table's column",
			sql: "CREATE TYPE \"Kind\" AS ENUM ('A');\nCREATE TABLE \"Item\" (\"id\" TEXT NOT NULL, \"kind\" \"Kind\");\nDROP TYPE \"Kind\" CASCADE;\n"},
		{name: "prisma: column dropped first", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"role\";\n\n-- DropEnum\nDROP TYPE \"Role\";\n"},
		{name: "unused enum", history: []string{`CREATE TYPE "Status" AS ENUM ('A', 'B');`},
			sql: "-- DropEnum\nDROP TYPE \"Status\";\n"},
		{name: "enum replacement block drops the old type after the conversion", history: exampleHistory, sql: roleRemoval},
	})
}

func TestDropTypeFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `DROP TYPE "Role";`, 0)
	assertFinding(t, fs, "drop-type", `"User"."role" still uses it`,
		"ALTER TABLE \"User\" ALTER COLUMN \"role\" DROP DEFAULT, ALTER COLUMN \"role\" TYPE TEXT USING \"role\"::text, "+
			"ALTER COLUMN \"role\" SET DEFAULT 'USER';\nDROP TYPE \"Role\";")
}

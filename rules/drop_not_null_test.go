package rules_test

import "testing"

func TestDropNotNull(t *testing.T) {
	runCases(t, "drop-not-null", []ruleCase{
		{name: "prisma field made optional", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"email\" DROP NOT NULL;\n", want: []string{"2:20"}},
		{name: "second clause, schema-qualified", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"Post\" ADD COLUMN \"slug\" TEXT,\nALTER COLUMN \"title\" DROP NOT NULL;\n",
			want: []string{"3:1"}},
		{name: "unknown table is assumed to hold rows", sql: "ALTER TABLE audit_log ALTER COLUMN actor DROP NOT NULL;\n", want: []string{"1:23"}},
		{name: "column already nullable", history: exampleHistory, sql: "ALTER TABLE \"User\" ALTER COLUMN \"name\" DROP NOT NULL;\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"name\" TEXT NOT NULL);\nALTER TABLE \"Tag\" ALTER COLUMN \"name\" DROP NOT NULL;\n"},
		{name: "SET NOT NULL is another rule", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
	})
}

func TestDropNotNullMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"User\" ALTER COLUMN \"email\" DROP NOT NULL;\n", 0)
	assertFinding(t, fs, "drop-not-null", `"email" of "User"`, "fine for the database", "no scan", "String?")
	for _, f := range fs {
		if f.Rule == "drop-not-null" && f.Fix != "" {
			t.Errorf("drop-not-null offers a fix for what needs none: %s", f.Fix)
		}
	}
}

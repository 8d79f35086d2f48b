package rules_test

import (
	"strings"
	"testing"
)

func TestAddingStoredGeneratedColumn(t *testing.T) {
	runCases(t, "adding-stored-generated-column", []ruleCase{
		{name: "stored generated column on an existing table", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"titleLength\" INTEGER GENERATED ALWAYS AS (length(\"title\")) STORED;\n",
			want: []string{"2:20"}},
		{name: "second clause, schema-qualified", history: exampleHistory,
			sql:  "ALTER TABLE \"public\".\"User\" ADD COLUMN \"bio\" TEXT,\n  ADD COLUMN \"emailLower\" TEXT GENERATED ALWAYS AS (lower(\"email\")) STORED;\n",
			want: []string{"2:3"}},
		{name: "generated column in a new table", history: exampleHistory,
			sql: "CREATE TABLE \"Box\" (\"w\" INTEGER NOT NULL, \"h\" INTEGER NOT NULL, \"area\" INTEGER GENERATED ALWAYS AS (\"w\" * \"h\") STORED);\n"},
		{name: "table created earlier in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Box\" (\"w\" INTEGER NOT NULL);\nALTER TABLE \"Box\" ADD COLUMN \"w2\" INTEGER GENERATED ALWAYS AS (\"w\" * 2) STORED;\n"},
		{name: "plain column with a constant default", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"titleLength\" INTEGER NOT NULL DEFAULT 0;\n"},
	})
}

func TestAddingStoredGeneratedColumnFix(t *testing.T) {
	wantFix(t, exampleHistory,
		"ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT GENERATED ALWAYS AS (lower(\"title\") || '-' || id::text) STORED NOT NULL;",
		"adding-stored-generated-column",
		"ALTER TABLE \"Post\" ADD COLUMN \"slug\" text;",
		"CREATE FUNCTION \"Post_slug_compute\"() RETURNS trigger",
		"NEW.\"slug\" := lower(NEW.\"title\") || '-' || NEW.id::text;",
		"CREATE TRIGGER \"Post_slug_compute\" BEFORE INSERT OR UPDATE ON \"Post\" FOR EACH ROW EXECUTE FUNCTION \"Post_slug_compute\"();",
		"UPDATE \"Post\" SET \"slug\" = lower(\"title\") || '-' || id::text WHERE",
		"ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_slug_not_null\";")
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"n\" INTEGER GENERATED ALWAYS AS (\"views\" + 1) STORED;", 18)
	if got := positions(fs, "adding-stored-generated-column"); len(got) != 1 {
		t.Fatalf("want one finding on PostgreSQL 18, got %v", got)
	}
	for _, f := range fs {
		if f.Rule == "adding-stored-generated-column" && !strings.Contains(f.Help, "VIRTUAL") {
			t.Errorf("on PostgreSQL 18 the help should offer a VIRTUAL column: %s", f.Help)
		}
	}
}

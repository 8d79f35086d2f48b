package rules_test

import (
	"context"
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// uniformCases are migrations over new columns that hold one value in every
// existing row, and ones that do not.
var uniformCases = []ruleCase{
	{name: "prisma @unique @default(\"\")", history: exampleHistory,
		sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL DEFAULT '';\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\");\n",
		want: []string{"5:1"}},
	{name: "unique column with a constant default", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL DEFAULT 'x' UNIQUE;\n", want: []string{"1:20"}},
	{name: "nulls not distinct", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT UNIQUE NULLS NOT DISTINCT;\n", want: []string{"1:20"}},
	{name: "add constraint over two uniform columns", history: exampleHistory,
		sql: "ALTER TABLE \"Post\" ADD COLUMN \"a\" INTEGER NOT NULL DEFAULT 0, ADD COLUMN \"b\" TEXT NOT NULL DEFAULT 'b';\n" +
			"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_a_b_key\" UNIQUE (\"a\", \"b\");\n",
		want: []string{"2:20"}},
	{name: "NULLs do not conflict", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT;\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\");\n"},
	{name: "a volatile default gives each row its own", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"token\" UUID NOT NULL DEFAULT gen_random_uuid();\nCREATE UNIQUE INDEX \"User_token_key\" ON \"User\"(\"token\");\n"},
	{name: "filled by an UPDATE first", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL DEFAULT '';\nUPDATE \"User\" SET \"handle\" = \"email\";\n" +
			"CREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\");\n"},
	{name: "with another column that varies", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL DEFAULT '';\nCREATE UNIQUE INDEX \"User_email_handle_key\" ON \"User\"(\"email\", \"handle\");\n"},
	{name: "partial index", history: exampleHistory,
		sql: "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL DEFAULT '';\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\") WHERE \"handle\" <> '';\n"},
	{name: "table created in the same migration", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nALTER TABLE \"Tag\" ADD COLUMN \"slug\" TEXT NOT NULL DEFAULT '';\nCREATE UNIQUE INDEX \"Tag_slug_key\" ON \"Tag\"(\"slug\");\n"},
	{name: "serial primary key", history: exampleHistory, sql: "ALTER TABLE \"Post\" ADD COLUMN \"seq\" SERIAL PRIMARY KEY;\n"},
}

func TestUniqueOverUniformColumn(t *testing.T) {
	runCases(t, "unique-over-uniform-column", uniformCases)
}

func uniformCase(t *testing.T, name string) ruleCase {
	for _, c := range uniformCases {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no case %q", name)
	return ruleCase{}
}

// TestUniqueOverUniformColumnOnPostgres confirms the findings on tables of
// two rows: each flagged migration fails with 23505, as its finding says,
// and the clean ones (on tables that exist) succeed.
func TestUniqueOverUniformColumnOnPostgres(t *testing.T) {
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email", "name") VALUES ('a@example.com', 'a'), ('b@example.com', 'b');
INSERT INTO "Post" ("title", "authorId", "views") VALUES ('one', 1, 0), ('two', 2, 0);`)
	ctx := context.Background()
	cases := []string{"prisma @unique @default(\"\")", "unique column with a constant default", "nulls not distinct",
		"add constraint over two uniform columns", "NULLs do not conflict", "a volatile default gives each row its own",
		"filled by an UPDATE first", "with another column that varies", "partial index"}
	for _, name := range cases {
		c := uniformCase(t, name)
		t.Run(name, func(t *testing.T) {
			flagged := len(positions(lintSQL(t, c.history, c.sql, 0), "unique-over-uniform-column")) > 0
			tx, err := db.conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			_, err = tx.Exec(ctx, c.sql)
			switch code := sqlState(err); {
			case flagged && code != "23505":
				t.Errorf("flagged, but on two rows PostgreSQL gives %v, want 23505", err)
			case !flagged && err != nil:
				t.Errorf("clean, but fails on two rows: %v", err)
			}
		})
	}
}

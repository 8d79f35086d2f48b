package rules_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// duplicateCases are statements that name a column twice, each with the
// place of the second naming, and statements that are fine.
var duplicateCases = []ruleCase{
	{name: "create table", sql: "CREATE TABLE \"Tag\" (\n  \"id\" TEXT NOT NULL,\n  \"name\" TEXT,\n  \"id\" TEXT\n);\n", want: []string{"4:3"}},
	{name: "add column twice", history: exampleHistory, sql: `ALTER TABLE "User" ADD COLUMN "bio" TEXT, ADD COLUMN "bio" TEXT;` + "\n", want: []string{"1:54"}},
	{name: "insert", history: exampleHistory, sql: `INSERT INTO "User" ("email", "email") VALUES ('a', 'b');` + "\n", want: []string{"1:30"}},
	{name: "update set", history: exampleHistory, sql: `UPDATE "Post" SET "views" = 0, "views" = 1 WHERE "id" = 1;` + "\n", want: []string{"1:32"}},
	{name: "on conflict do update", history: exampleHistory,
		sql:  `INSERT INTO "User" ("email") VALUES ('a') ON CONFLICT ("email") DO UPDATE SET "name" = 'x', "name" = 'y';` + "\n",
		want: []string{"1:93"}},
	{name: "merge update", history: exampleHistory,
		sql:  `MERGE INTO "Post" p USING "User" u ON p."authorId" = u."id" WHEN MATCHED THEN UPDATE SET "views" = 1, "views" = 2;` + "\n",
		want: []string{"1:103"}},
	{name: "merge insert", history: exampleHistory,
		sql:  `MERGE INTO "User" u USING "Post" p ON p."authorId" = u."id" WHEN NOT MATCHED THEN INSERT ("email", "email") VALUES ('a', 'b');` + "\n",
		want: []string{"1:100"}},
	// The column list has no positions: the finding is on the output it renames.
	{name: "view column list", history: exampleHistory, sql: `CREATE VIEW "V" ("a", "a") AS SELECT "id", "email" FROM "User";` + "\n", want: []string{"1:44"}},
	{name: "view select list", history: exampleHistory,
		sql:  `CREATE VIEW "PostAuthor" AS SELECT "Post"."id", "User"."id" FROM "Post" JOIN "User" ON "User"."id" = "Post"."authorId";` + "\n",
		want: []string{"1:49"}},
	{name: "two unnamed expressions", history: exampleHistory, sql: `CREATE VIEW "Sums" AS SELECT "views" + 1, "views" + 2 FROM "Post";` + "\n", want: []string{"1:43"}},
	{name: "create table as", history: exampleHistory, sql: `CREATE TABLE "Copy" AS SELECT "id", "authorId" AS "id" FROM "Post";` + "\n", want: []string{"1:37"}},
	{name: "select into", history: exampleHistory, sql: `SELECT "id", count(*), count("id") INTO "Counts" FROM "Post" GROUP BY "id";` + "\n", want: []string{"1:24"}},
	{name: "distinct names", history: exampleHistory,
		sql: `CREATE VIEW "V" AS SELECT "Post"."id" AS "postId", "User"."id", 'x'::text, 'y' AS "y", "views" + 1 FROM "Post" JOIN "User" ON true;` + "\n" +
			`UPDATE "Post" SET "views" = 1, "title" = 'x' WHERE "id" = 1;` + "\n" +
			`CREATE TABLE "T" ("a" INT, "b" INT);` + "\n" +
			`CREATE VIEW "W" AS SELECT * FROM "Post";` + "\n"},
	{name: "union takes the first branch's names", history: exampleHistory,
		sql: `CREATE VIEW "U" AS SELECT "id" AS "a", "id" AS "b" FROM "Post" UNION ALL SELECT "id", "id" FROM "User";` + "\n"},
}

func TestDuplicateColumn(t *testing.T) { runCases(t, "duplicate-column", duplicateCases) }

// TestDuplicateColumnOnPostgres runs every flagged statement on a real server
// after its history and checks that it fails with the SQLSTATE the finding
// names, and that the clean ones run.
// Each case runs in a transaction rolled back after it, on one database
// holding the history.
func TestDuplicateColumnOnPostgres(t *testing.T) {
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	ctx := context.Background()
	for _, c := range duplicateCases {
		t.Run(c.name, func(t *testing.T) {
			var want string
			for _, f := range lintSQL(t, c.history, c.sql, 0) {
				if f.Rule == "duplicate-column" {
					_, rest, _ := strings.Cut(f.Message, "SQLSTATE ")
					want = rest[:5]
				}
			}
			tx, err := db.conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			_, err = tx.Exec(ctx, c.sql)
			var pe *pgconn.PgError
			switch {
			case want == "" && err != nil:
				t.Fatalf("clean statements fail on PostgreSQL: %v", err)
			case want == "":
			case !errors.As(err, &pe):
				t.Fatalf("flagged with SQLSTATE %s, PostgreSQL says %v", want, err)
			case pe.Code != want:
				t.Errorf("flagged with SQLSTATE %s, PostgreSQL fails with %s: %s", want, pe.Code, pe.Message)
			}
		})
	}
}

package rules_test

import "testing"

func TestBackfillInMigration(t *testing.T) {
	runCases(t, "backfill-in-migration", []ruleCase{
		{name: "backfill after ADD COLUMN", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- Backfill\nUPDATE \"Post\" SET \"slug\" = lower(\"title\") WHERE \"slug\" IS NULL;\n",
			want: []string{"5:1"}},
		{name: "backfill before SET NOT NULL, with FROM, schema-qualified", history: exampleHistory,
			sql: `/*
Warnings:

- Made the column ` + "`content`" + ` on table ` + "`Post`" + ` required. This step will fail if there are existing NULL values in that column.

 */
-- Backfill from User
UPDATE "Post" p
SET
  "content" = u."email"
FROM
  "User" u
WHERE
  p."authorId" = u."id"
  AND p."content" IS NULL;

-- AlterTable
ALTER TABLE "public"."Post"
ALTER COLUMN "content"
SET
  NOT NULL;`, want: []string{"8:1"}},
		{name: "copy while an index builds on the source", history: exampleHistory,
			sql:  "CREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\nINSERT INTO \"Post\" (\"title\", \"authorId\") SELECT \"email\", \"id\" FROM \"User\" WHERE \"role\" = 'ADMIN';\n",
			want: []string{"2:1"}},
		{name: "delete in an explicit transaction after DDL", history: exampleHistory,
			sql:  "BEGIN;\nALTER TABLE \"Post\" DROP COLUMN \"views\";\nDELETE FROM \"Post\" WHERE \"published\" = false;\nCOMMIT;\n",
			want: []string{"3:1"}},
		{name: "a few rows by primary key", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"slug\" = 'hello' WHERE \"id\" = 1;\nUPDATE \"User\" SET \"name\" = 'x' WHERE \"email\" IN ('a@example.com', 'b@example.com');\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{name: "DDL committed before the backfill", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\nUPDATE \"Post\" SET \"slug\" = lower(\"title\") WHERE \"views\" > 100;\n"},
		// A WHERE that selects every row is a mass change wherever it runs.
		{name: "DDL committed before a backfill of every row", history: exampleHistory,
			sql:  "BEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\nUPDATE \"Post\" SET \"slug\" = lower(\"title\") WHERE \"slug\" IS NULL;\n",
			want: []string{"4:1"}},
		{name: "every row by a NOT NULL column, no DDL", history: exampleHistory,
			sql:  "UPDATE \"Post\" SET \"published\" = true WHERE \"title\" IS NOT NULL AND TRUE;\n",
			want: []string{"1:1"}},
		{name: "every row of one branch of an OR", history: exampleHistory,
			sql:  "DELETE FROM \"Post\" WHERE \"views\" > 100 OR \"id\" IS NOT NULL;\n",
			want: []string{"1:1"}},
		{name: "a nullable column tested for NULL may select few rows", history: exampleHistory,
			sql: "UPDATE \"Post\" SET \"content\" = '' WHERE \"content\" IS NULL;\n"},
		{name: "the added column was filled since", history: exampleHistory,
			sql:    "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"slug\" = 'x' WHERE \"id\" = 1;\nUPDATE \"Post\" SET \"slug\" = lower(\"title\") WHERE \"slug\" IS NULL;\n",
			runner: "prisma@7.8.0"},
		{name: "DDL on another table", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nUPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL, \"name\" TEXT);\nALTER TABLE \"Tag\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Tag\" SET \"slug\" = lower(\"name\") WHERE \"slug\" IS NULL;\n"},
		{name: "insert of constant rows", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nINSERT INTO \"User\" (\"email\") VALUES ('admin@example.com');\n"},
		{name: "no WHERE is the other rule's", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"slug\" = lower(\"title\");\n"},
	})
}

func TestBackfillInMigrationMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"slug\" = lower(\"title\") WHERE \"slug\" IS NULL;\n", 0)
	assertFinding(t, fs, "backfill-in-migration", "ACCESS EXCLUSIVE", "line 1", "reads and writes",
		`UPDATE "Post" SET slug = lower(title) WHERE "Post".ctid IN (SELECT "Post".ctid FROM "Post" WHERE slug IS NULL AND "Post".slug IS DISTINCT FROM lower(title) LIMIT 10000);`)
	fs = lintSQL(t, exampleHistory, "UPDATE \"Post\" SET \"content\" = '' WHERE \"content\" IS NULL;\nALTER TABLE \"Post\" ALTER COLUMN \"content\" SET NOT NULL;\n", 0)
	assertFinding(t, fs, "backfill-in-migration", "line 2", "ACCESS EXCLUSIVE lock on \"Post\"", "rolls the whole backfill back")
}

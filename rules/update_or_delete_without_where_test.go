package rules_test

import "testing"

func TestUpdateOrDeleteWithoutWhere(t *testing.T) {
	runCases(t, "update-or-delete-without-where", []ruleCase{
		{name: "backfill of every row", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- Backfill\nUPDATE \"Post\" SET \"slug\" = lower(\"title\");\n",
			want: []string{"5:1"}},
		{name: "delete everything, schema-qualified", history: exampleHistory,
			sql: "-- Delete all posts before the model changes\nDELETE FROM \"public\".\"Post\";\n", want: []string{"2:1"}},
		{name: "update with FROM but no WHERE", history: exampleHistory,
			sql: "UPDATE \"Post\" p SET \"title\" = u.\"email\" FROM \"User\" u;\n", want: []string{"1:1"}},
		{name: "unknown table", sql: "DELETE FROM audit_log;\n", want: []string{"1:1"}},
		{name: "the same table, known to the history", history: auditHistory, sql: "DELETE FROM audit_log;\n", want: []string{"1:1"}},
		{name: "with WHERE", history: exampleHistory,
			sql: "UPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\nDELETE FROM \"User\" WHERE \"email\" LIKE '%@test.example';\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL, \"name\" TEXT);\nINSERT INTO \"Tag\" (\"name\") VALUES ('a');\nUPDATE \"Tag\" SET \"name\" = upper(\"name\");\n"},
		{name: "insert is not an update", history: exampleHistory,
			sql: "INSERT INTO \"User\" (\"email\") VALUES ('admin@example.com');\n"},
	})
}

func TestUpdateOrDeleteWithoutWhereFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `UPDATE "Post" SET "views" = COALESCE("views", 0), "title" = lower("title");`, 0)
	assertFinding(t, fs, "update-or-delete-without-where", "rewrites every row of \"Post\"",
		`UPDATE "Post" SET views = COALESCE(views, 0), title = lower(title) WHERE "Post".ctid IN (SELECT "Post".ctid FROM "Post" `+
			`WHERE "Post".views IS DISTINCT FROM COALESCE(views, 0) OR "Post".title IS DISTINCT FROM lower(title) LIMIT 10000);`)
	fs = lintSQL(t, exampleHistory, `DELETE FROM "public"."Post";`, 0)
	assertFinding(t, fs, "update-or-delete-without-where", "deletes every row",
		`DELETE FROM public."Post" WHERE "Post".ctid IN (SELECT "Post".ctid FROM public."Post" LIMIT 10000);`)
}
